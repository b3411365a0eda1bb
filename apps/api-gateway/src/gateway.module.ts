import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { AccessTokenVerifier } from './auth/application/access-token.verifier';
import { ProxyMiddleware } from './proxy/http/proxy.middleware';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { RateLimitGate } from './rate-limit/http/rate-limit.gate';
import { RateLimiter } from './rate-limit/infrastructure/rate-limiter';
import { RedisClient } from './redis/redis.client';
import { routeTableProvider } from './routing/route-table.provider';
import { UpstreamForwarder } from './proxy/infrastructure/upstream-forwarder';
import { Upstreams } from './proxy/infrastructure/upstreams';

/**
 * Routing, authentication, rate limiting and resilience, wired around one middleware: the proxy
 * is middleware, not a controller, so that paths no route claims fall through to /health,
 * /metrics and /docs.
 */
@Module({
  providers: [
    routeTableProvider,
    GatewayMetrics,
    RedisClient,
    AccessTokenVerifier,
    RateLimiter,
    RateLimitGate,
    Upstreams,
    UpstreamForwarder,
    ProxyMiddleware,
  ],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ProxyMiddleware).forRoutes('*');
  }
}
