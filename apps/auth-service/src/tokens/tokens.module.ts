import { Module } from '@nestjs/common';
import { AccessTokens } from './application/access-tokens';
import { JwksController } from './http/jwks.controller';
import { RevocationList } from './infrastructure/revocation-list';
import { SigningKeys } from './infrastructure/signing-keys';

/** Signing keys and their rotation, access tokens, the JWKS and the revocation list. */
@Module({
  controllers: [JwksController],
  providers: [SigningKeys, AccessTokens, RevocationList],
  exports: [SigningKeys, AccessTokens, RevocationList],
})
export class TokensModule {}
