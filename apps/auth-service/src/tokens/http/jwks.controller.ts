import { Controller, Get, Header } from '@nestjs/common';
import { SigningKeys } from '../infrastructure/signing-keys';

/** The public keys the gateway verifies access tokens with. */
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  // Short: a rotated-in key must reach the gateway's cache well within a token's lifetime.
  @Header('Cache-Control', 'public, max-age=60')
  async jwks(): Promise<{ keys: Record<string, string>[] }> {
    return { keys: (await this.keys.published()).map((key) => key.publicJwk) };
  }
}
