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
  /**
   * Every access token of a user issued before a change of their roles. The value is epoch
   * seconds that no earlier token of the user carries as `iat` (at least the next whole second);
   * a token whose `iat` is below it is refused. auth-service dates later tokens of the user at
   * that second at the earliest, so no token from before the change survives it and none after
   * is refused. TTL: until every older token has expired.
   */
  user: (userId: string): string => `revoked:user:${userId}`,
} as const;
