import { Module } from '@nestjs/common';
import { IdempotencyKeys } from './infrastructure/idempotency-keys';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';

/** Idempotency-Key support for POST routes (apply IdempotencyInterceptor). */
@Module({
  providers: [IdempotencyKeys, IdempotencyInterceptor],
  exports: [IdempotencyKeys, IdempotencyInterceptor],
})
export class IdempotencyModule {}
