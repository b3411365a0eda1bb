import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RoutingModule } from '../routing/routing.module';
import { InternalCallKey } from './domain/internal-call';
import { CallerAdmission } from './http/caller-admission';
import { ProxyHandler } from './http/proxy.handler';
import { UpstreamForwarder } from './infrastructure/upstream-forwarder';
import { Upstreams } from './infrastructure/upstreams';

/**
 * The request pipeline: routing, authentication, rate limiting and resilience, run by one Express
 * middleware (ProxyHandler) that setUpGatewayHttp mounts before Nest's router, so that a proxied
 * request skips Nest's middleware chain, and paths no route claims fall through to /health, /docs
 * and the console.
 */
@Module({
  imports: [RoutingModule, AuthModule, RateLimitModule, MetricsModule],
  providers: [
    Upstreams,
    UpstreamForwarder,
    CallerAdmission,
    ProxyHandler,
    { provide: InternalCallKey, useValue: new InternalCallKey() },
  ],
  exports: [ProxyHandler, InternalCallKey, CallerAdmission],
})
export class ProxyModule {}
