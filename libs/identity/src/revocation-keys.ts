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
   * seconds: the first whole second after the change. A token whose `iat` is below it is refused;
   * auth-service issues later tokens of the user with an `iat` of at least that value, so no token
   * from before the change survives it and none after is refused. TTL = the access-token
   * lifetime and a second: every older token has expired by then.
   */
  user: (userId: string): string => `revoked:user:${userId}`,
} as const;
