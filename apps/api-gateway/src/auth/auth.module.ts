import { Module } from '@nestjs/common';
import { AccessTokenVerifier } from './application/access-token.verifier';

/**
 * Access tokens: signature and claims against auth-service's JWKS, revocation judged from the keys
 * the rate limiter reads in its round trip.
 */
@Module({
  providers: [AccessTokenVerifier],
  exports: [AccessTokenVerifier],
})
export class AuthModule {}
