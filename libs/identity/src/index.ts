/**
 * @platform/identity: what the gateway and the services agree about callers: access-token
 * claims, the signed identity headers the gateway forwards (and the Nest guard that checks them),
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
  IdentityHeaderError,
  IdentityHeaders,
  signIdentity,
  stripIdentityHeaders,
  verifyIdentity,
  type CallerIdentity,
} from './identity-headers';
export { Caller, CallerGuard, IDENTITY_SECRET } from './nest/caller.guard';
export { RevocationKeys } from './revocation-keys';
