/**
 * @platform/identity: what the gateway and the services agree about callers: access-token
 * claims, the identity the gateway mints per forwarded request (and the Nest guards that check it),
 * and the revocation list's keys.
 */
export {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  accessTokenClaimsSchema,
  ROLES,
  type AccessTokenClaims,
  type Role,
} from './access-token';
export {
  GATEWAY_IDENTITY_HEADER,
  GATEWAY_IDENTITY_TTL_SECONDS,
  GatewayIdentitySigner,
  GatewayIdentityVerifier,
  IdentityHeaderError,
  identityPlugin,
  keyIdOf,
  stripIdentityHeaders,
  type CallerIdentity,
  type GatewayAssertion,
  type SignableRequest,
  type VerifiedAssertion,
} from './gateway-identity';
export { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from './development-keys';
export {
  Caller,
  CallerGuard,
  ClientAddress,
  GATEWAY_IDENTITY_VERIFIER,
  GatewayGuard,
  gatewayIdentityProvider,
} from './nest/caller.guard';
export { RevocationKeys } from './revocation-keys';
