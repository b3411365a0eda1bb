import type Redis from 'ioredis';
import { errors, Provider, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuthServiceConfig } from '../config/auth-service.config';
import type { SigningKey } from '../tokens/domain/signing-key';
import { oauthAccessTokenClaims, type ProviderAccessTokenPayload } from './oauth-access-token.claims';
import { renderErrorPage } from './interaction.page';
import { redisOAuthAdapter } from './oauth-storage.adapter';

/** Where every OAuth endpoint lives, under the issuer (the gateway's public origin). */
export const OAUTH_PATHS = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/oauth/register',
  revocation: '/oauth/revoke',
  /**
   * The metadata's `jwks_uri`: JwksController's document, every key whose tokens may be alive (the
   * provider's own would list the active key only). Never served by the provider.
   */
  jwks: '/.well-known/jwks.json',
  /** The sign-in page of one authorization request (InteractionController). */
  interaction: '/oauth/interaction',
} as const;

/**
 * The one scope of the platform's API: acting as the user who signed in, with that user's roles
 * (the services decide per request, as for /auth/login tokens). A request that names no scope
 * gets it (RFC 6749 §3.3's pre-defined default): MCP clients often ask for none.
 */
export const OAUTH_SCOPE = 'platform';

/** Seconds: codes are redeemed right away; the sign-in page is filled in within minutes. */
const TTL = { authorizationCode: 60, interaction: 600, session: 600 } as const;

/** What the provider needs from the rest of auth-service. */
export interface OAuthProviderDependencies {
  config: AuthServiceConfig;
  redis: Redis;
  /** The key /auth/login tokens are signed with now: OAuth access tokens are signed with it too. */
  signingKey: SigningKey;
  /** The roles and earliest `iat` of a token for `userId` (SessionsService.currentGrant). */
  currentGrant: (userId: string) => Promise<{ roles: ProviderRoles; issuedAt: number }>;
  /** Called with the grant's id when a grant is revoked (revocation endpoint, refresh-token reuse). */
  onGrantRevoked: (grantId: string) => void;
  onServerError: (error: Error) => void;
}
type ProviderRoles = Parameters<typeof oauthAccessTokenClaims>[1]['roles'];

/**
 * The OAuth 2.1 authorization server (oidc-provider) for public clients: authorization code with
 * PKCE S256 only, no client secrets (`token_endpoint_auth_method: none`), open dynamic client
 * registration (the gateway rate-limits it), loopback redirect URIs for native clients, refresh
 * tokens rotated on use. Access tokens are RS256 JWTs signed with auth-service's active key, in
 * the claims of /auth/login's tokens (oauthAccessTokenClaims), for a resource on the gateway
 * (RFC 8707; the whole gateway when the client names none).
 */
export function createOAuthProvider(deps: OAuthProviderDependencies): Provider {
  const { config } = deps;
  const issuer = config.PUBLIC_URL;
  const ttlSeconds = config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
  const configuration: Configuration = {
    adapter: redisOAuthAdapter(deps.redis),
    cookies: { keys: config.OAUTH_COOKIE_KEYS.split(',').map((key) => key.trim()) },
    jwks: { keys: [privateJwkOf(deps.signingKey)] },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'RS256',
    },
    clientAuthMethods: ['none'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', OAUTH_SCOPE],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      // A client revokes its own tokens only.
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? issuer,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (!isGatewayResource(resource, issuer))
            throw new errors.InvalidTarget(`resources are URLs of this platform (${issuer}/...)`);
          return {
            scope: OAUTH_SCOPE,
            audience: resource,
            accessTokenTTL: ttlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    routes: {
      authorization: OAUTH_PATHS.authorization,
      token: OAUTH_PATHS.token,
      registration: OAUTH_PATHS.registration,
      revocation: OAUTH_PATHS.revocation,
      jwks: OAUTH_PATHS.jwks,
      end_session: '/oauth/session/end',
      userinfo: '/oauth/me',
      introspection: '/oauth/token/introspection',
      pushed_authorization_request: '/oauth/request',
      backchannel_authentication: '/oauth/backchannel',
      code_verification: '/oauth/device',
      device_authorization: '/oauth/device/auth',
    },
    interactions: { url: (_ctx, interaction) => `${OAUTH_PATHS.interaction}/${interaction.uid}` },
    // Every authorization asks for the password on a page naming the client (OAuthServer drops
    // the session cookie there): the session only lives through one sign-in.
    ttl: {
      AccessToken: ttlSeconds,
      AuthorizationCode: TTL.authorizationCode,
      Interaction: TTL.interaction,
      Session: TTL.session,
      Grant: config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
      RefreshToken: config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
    },
    // A refresh token for every client that registered the grant, without `offline_access`
    // (MCP clients rarely ask for it), outliving the short sign-in session.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    formats: {
      customizers: {
        jwt: async (_ctx, token, jwt) => {
          const accessToken = token as { accountId?: string; grantId?: string };
          if (!accessToken.accountId || !accessToken.grantId)
            throw new errors.InvalidGrant('access tokens are issued to users only');
          const grant = await deps.currentGrant(accessToken.accountId);
          jwt.payload = oauthAccessTokenClaims(jwt.payload as ProviderAccessTokenPayload, {
            ...grant,
            grantId: accessToken.grantId,
            ttlSeconds,
          });
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage({ ...out });
    },
  };
  const provider = new Provider(issuer, configuration);
  // The gateway forwards X-Forwarded-Proto/Host; they are overwritten with PUBLIC_URL's before
  // the provider runs (OAuthServer), so URLs and cookies follow the issuer, not a client's Host.
  provider.proxy = true;
  provider.use(async (ctx, next) => {
    if (ctx.path === OAUTH_PATHS.authorization && ctx.method === 'GET' && !ctx.query['scope'])
      ctx.query = { ...ctx.query, scope: OAUTH_SCOPE };
    await next();
  });
  provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) => deps.onGrantRevoked(grantId));
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => deps.onServerError(error));
  return provider;
}

/** The issuer itself (the whole gateway) or a URL under it, e.g. `${PUBLIC_URL}/mcp`. */
export function isGatewayResource(resource: string, issuer: string): boolean {
  return resource === issuer || resource.startsWith(`${issuer}/`);
}

function privateJwkOf(key: SigningKey) {
  return { ...key.privateKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' };
}
