import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisModule } from '../redis/redis.module';
import { RateLimitGate } from './http/rate-limit.gate';
import { RateLimiter } from './infrastructure/rate-limiter';

/** Rate limits: token buckets in Redis per user and per client address, by the route's class. */
@Module({
  imports: [RedisModule, MetricsModule],
  providers: [RateLimiter, RateLimitGate],
  exports: [RateLimitGate],
})
export class RateLimitModule {}
