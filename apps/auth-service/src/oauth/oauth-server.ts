import { Inject, Injectable } from '@nestjs/common';
import {
  GATEWAY_IDENTITY_HEADER,
  GATEWAY_IDENTITY_VERIFIER,
  type GatewayIdentityVerifier,
} from '@platform/identity';
import { PINO_LOGGER, type Logger } from '@platform/observability';
import type Redis from 'ioredis';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { REDIS } from '../redis/redis.module';
import { SessionsService } from '../sessions/application/sessions.service';
import { RevocationList } from '../tokens/infrastructure/revocation-list';
import { SigningKeys } from '../tokens/infrastructure/signing-keys';
import { sessionIdOfGrant } from './oauth-access-token.claims';
import { createOAuthProvider, OAUTH_PATHS } from './oauth-provider.factory';

/** RFC 8414's metadata path; oidc-provider serves the same document as OpenID discovery. */
export const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';
const PROVIDER_METADATA_PATH = '/.well-known/openid-configuration';

/**
 * The OAuth server as auth-service runs it: one oidc-provider per signing key (the provider's
 * keystore is fixed when it is built, so a key rotation builds a new one; all state is in Redis,
 * so nothing is lost), mounted on the Express app for /oauth/* and the RFC 8414 metadata. Requests
 * are served only when the gateway forwarded them, as every other route here.
 */
@Injectable()
export class OAuthServer {
  private current: { kid: string; provider: Provider; handle: ReturnType<Provider['callback']> } | undefined;
  private readonly origin: URL;

  constructor(
    private readonly keys: SigningKeys,
    private readonly sessions: SessionsService,
    private readonly revocations: RevocationList,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
    @Inject(GATEWAY_IDENTITY_VERIFIER) private readonly gateway: GatewayIdentityVerifier,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    this.origin = new URL(config.PUBLIC_URL);
  }

  /** The provider that signs with the active key. */
  async provider(): Promise<Provider> {
    return (await this.fresh()).provider;
  }

  private async fresh() {
    const key = await this.keys.active();
    if (this.current?.kid !== key.kid) {
      const provider = createOAuthProvider({
        config: this.config,
        redis: this.redis,
        signingKey: key,
        currentGrant: (userId) => this.sessions.currentGrant(userId),
        onGrantRevoked: (grantId) => this.revokeGrantTokens(grantId),
        onServerError: (error) => this.logger.error({ err: error }, 'OAuth server error'),
      });
      this.current = { kid: key.kid, provider, handle: provider.callback() };
    }
    return this.current;
  }

  /**
   * Express middleware: serves the provider's endpoints, passes the sign-in pages (Nest's
   * InteractionController) and everything else on. X-Forwarded-Proto/Host are set from
   * PUBLIC_URL, whatever came in: the provider builds its URLs and cookie flags from them.
   */
  readonly middleware = (
    req: IncomingMessage & { originalUrl?: string },
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): void => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const isMetadata = path === AUTHORIZATION_SERVER_METADATA_PATH;
    if (!isMetadata && !path.startsWith('/oauth/')) return next();
    req.headers['x-forwarded-proto'] = this.origin.protocol.slice(0, -1);
    req.headers['x-forwarded-host'] = this.origin.host;
    if (path.startsWith(`${OAUTH_PATHS.interaction}/`)) return next();
    try {
      this.gateway.verify(req.headers[GATEWAY_IDENTITY_HEADER], req.method ?? '', req.originalUrl ?? url);
    } catch (error) {
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          code: 'IDENTITY.UNTRUSTED_HEADERS',
          detail: (error as Error).message,
        }),
      );
      return;
    }
    if (isMetadata) req.url = PROVIDER_METADATA_PATH + url.slice(path.length);
    if (path === OAUTH_PATHS.authorization || path.startsWith(`${OAUTH_PATHS.authorization}/`))
      withoutSessionCookie(req);
    this.fresh().then(
      ({ handle }) => handle(req, res),
      (error: unknown) => next(error),
    );
  };

  /**
   * A revoked grant (revocation endpoint, a refresh token used twice) revokes the access tokens
   * already issued from it at the gateway: they carry the grant's session id (`sid`).
   */
  private revokeGrantTokens(grantId: string): void {
    this.revocations
      .revokeFamily(sessionIdOfGrant(grantId))
      .catch((error: unknown) =>
        this.logger.error({ err: error, grantId }, 'revoking the access tokens of an OAuth grant failed'),
      );
  }
}

/**
 * The authorization endpoint and its resume step (`/oauth/authorize/:uid`) never see the
 * provider's session: the sign-in page is always shown (no single sign-on, so a registered client
 * cannot ride an earlier sign-in), and a second user signing in in the same browser is not sent
 * through the provider's logout page first. The sign-in's result is the session.
 */
function withoutSessionCookie(req: IncomingMessage): void {
  const cookie = req.headers.cookie;
  if (!cookie) return;
  req.headers.cookie = cookie
    .split(';')
    .filter((pair) => !pair.trim().startsWith(SESSION_COOKIE))
    .join(';');
}
const SESSION_COOKIE = '_session';
