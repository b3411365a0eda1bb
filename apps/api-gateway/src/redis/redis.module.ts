import { Module } from '@nestjs/common';
import { RedisClient } from './redis.client';

/** The gateway's one Redis connection, shared by the revocation check and rate limiting. */
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
