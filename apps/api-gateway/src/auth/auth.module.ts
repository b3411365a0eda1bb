import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { AccessTokenVerifier } from './application/access-token.verifier';

/** Access tokens: signature and claims against auth-service's JWKS, revocation in Redis. */
@Module({
  imports: [RedisModule],
  providers: [AccessTokenVerifier],
  exports: [AccessTokenVerifier],
})
export class AuthModule {}
