/**
 * Redis keys of the revocation list, written by auth-service and read by the gateway on every
 * request. Each key expires with the last token it can affect, so the list never outgrows the
 * live tokens.
 */
export const RevocationKeys = {
  /** One access token (logout of a session): TTL = the token's remaining lifetime. */
  token: (jti: string): string => `revoked:jti:${jti}`,
  /** A refresh-token family and every access token issued from it: TTL = the refresh lifetime. */
  family: (familyId: string): string => `revoked:sid:${familyId}`,
} as const;
