/**
 * The gateway identity key pair of development and tests, so that `npm start` and `npm test`
 * need no configuration. It is public (it is in this repository): every app refuses it outside
 * NODE_ENV=development|test (env.secret in @platform/observability), and a deployment generates
 * its own pair (docs/security.md: `npm run keys:gateway-identity`).
 */
export const DEVELOPMENT_GATEWAY_IDENTITY_KEYS = {
  /** Ed25519, base64 PKCS#8 DER: what the gateway signs with. */
  signingKey: 'MC4CAQAwBQYDK2VwBCIEIOMWM1BPf3mUKgAWsZAVUSFKvwKhQ2spxsx+BtXaI2WO',
  /** Ed25519, base64 SPKI DER: what the upstreams verify with. */
  publicKey: 'MCowBQYDK2VwAyEACGqI2CMv7gBcRspKQ2NtlWYBPeJVupq1IB83WseePwI=',
} as const;
