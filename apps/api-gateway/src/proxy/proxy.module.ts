import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RoutingModule } from '../routing/routing.module';
import { ProxyMiddleware } from './http/proxy.middleware';
import { UpstreamForwarder } from './infrastructure/upstream-forwarder';
import { Upstreams } from './infrastructure/upstreams';

/**
 * The request pipeline: routing, authentication, rate limiting and resilience, run by one
 * middleware. The proxy is middleware, not a controller, so that paths no route claims fall
 * through to /health, /metrics and /docs. It runs after the observability middlewares (correlation
 * id, request log, HTTP metrics): Nest applies a global module's middleware first.
 */
@Module({
  imports: [RoutingModule, AuthModule, RateLimitModule, MetricsModule],
  providers: [Upstreams, UpstreamForwarder, ProxyMiddleware],
})
export class ProxyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ProxyMiddleware).forRoutes('*');
  }
}
