import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { InteractionController } from './interaction.controller';
import { OAuthServer } from './oauth-server';

/**
 * The OAuth 2.1 authorization server for public clients (an MCP client signing a user in):
 * oidc-provider on /oauth/* and the RFC 8414 metadata, and its sign-in page. The app mounts
 * OAuthServer.middleware (configureHttp).
 */
@Module({
  imports: [SessionsModule, TokensModule],
  controllers: [InteractionController],
  providers: [OAuthServer],
  exports: [OAuthServer],
})
export class OAuthModule {}
