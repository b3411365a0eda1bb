import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens';
import { JwksController } from './jwks.controller';
import { RevocationList } from './revocation-list';
import { SigningKeys } from './signing-keys';

/** Signing keys and their rotation, access tokens, the JWKS and the revocation list. */
@Module({
  controllers: [JwksController],
  providers: [SigningKeys, AccessTokens, RevocationList],
  exports: [SigningKeys, AccessTokens, RevocationList],
})
export class TokensModule {}
