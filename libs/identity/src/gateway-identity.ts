import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The gateway's assertion of who is calling, minted per forwarded request and verified by the
 * upstream: a compact JWS (EdDSA, Ed25519) in one header. Only the gateway holds the private key;
 * upstreams hold public keys only, so a leaked upstream config cannot mint identities, and no
 * value shared between services can be guessed from the repository.
 *
 * Each token is bound to its upstream (`aud`), the request's method (`htm`) and path (`htu`,
 * without the query), and lives `GATEWAY_IDENTITY_TTL_SECONDS`: a captured token cannot be
 * replayed on another route or service, and not for long on the same one.
 */
export const GATEWAY_IDENTITY_HEADER = 'x-gateway-identity';

/** Who is calling, as the gateway established it. */
export interface CallerIdentity {
  userId: string;
  roles: string[];
  /**
   * The client's address as the gateway derived it from its trusted-proxy chain (never from a
   * header a client could set).
   */
  clientIp?: string;
  /**
   * The OAuth client the user signed in with (an MCP client, say), when the access token named
   * one (`client_id`); absent for a session from /auth/login. Audit records name it beside the user.
   */
  clientId?: string;
}

/** The gateway identity is missing, forged, expired, or minted for another service or route: a 401. */
export class IdentityHeaderError extends Error {
  override readonly name = 'IdentityHeaderError';
  readonly code = 'IDENTITY.UNTRUSTED_HEADERS';
}

/**
 * Removes what a client sent in the gateway's identity header (and the headers of the former
 * HMAC scheme): only the gateway asserts who is calling.
 */
export function stripIdentityHeaders(headers: Record<string, unknown>): void {
  delete headers[GATEWAY_IDENTITY_HEADER];
  for (const name of LEGACY_HEADERS) delete headers[name];
}
const LEGACY_HEADERS = ['x-user-id', 'x-user-roles', 'x-identity-issued-at', 'x-identity-signature'];

/** How long a minted identity is accepted, and the clock skew tolerated between hosts. */
export const GATEWAY_IDENTITY_TTL_SECONDS = 30;
const CLOCK_SKEW_SECONDS = 5;
/** Distinct tokens a signer remembers within one second; beyond it, it starts over. */
const MINTED_PER_SECOND_MAX = 1_024;
const TOKEN_TYPE = 'gateway-identity+jwt';

/** What the gateway asserts about one request. */
export interface GatewayAssertion {
  /** The user, when the request carried a valid access token. */
  sub?: string;
  roles?: readonly string[];
  /** The OAuth client of the access token (its `client_id`), when it names one. */
  cid?: string;
  /** The client's address, derived from the gateway's trusted-proxy chain. */
  ip: string;
  /** The upstream the request is forwarded to (`orders`, `auth`...). */
  aud: string;
  htm: string;
  htu: string;
}

/** What an upstream learns from a verified assertion. */
export interface VerifiedAssertion {
  /** Undefined for an anonymous request (login, registration, a payment callback). */
  caller?: CallerIdentity;
  clientIp: string;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Reads a key given as PEM or as base64 of its DER (PKCS#8 private, SPKI public), one line for env files. */
function keyFrom(text: string, kind: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  const pem = trimmed.startsWith('-----BEGIN');
  const key =
    kind === 'private'
      ? createPrivateKey(
          pem ? trimmed : { key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' },
        )
      : createPublicKey(pem ? trimmed : { key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`gateway identity keys must be Ed25519, got ${key.asymmetricKeyType ?? 'a secret key'}`);
  }
  return key;
}

/** The id of a public key: the first 16 hex digits of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

/** Mints assertions with the gateway's private key. */
export class GatewayIdentitySigner {
  private readonly key: KeyObject;
  private readonly header: string;
  readonly keyId: string;
  /**
   * The tokens minted in the current second, by their claims: Ed25519 signatures are deterministic,
   * so minting the same claims again would give the same bytes. A caller sending many requests to
   * one path costs one signature per second, not one per request (signing was the largest CPU cost
   * of a proxied request after the access token's RS256 check).
   */
  private minted = new Map<string, string>();
  private mintedIat = 0;

  /** `privateKey`: Ed25519, PEM or base64 PKCS#8 DER. */
  constructor(privateKey: string) {
    this.key = keyFrom(privateKey, 'private');
    this.keyId = keyIdOf(createPublicKey(this.key));
    // Constant per key: encoded once, not per request.
    this.header = b64(JSON.stringify({ alg: 'EdDSA', typ: TOKEN_TYPE, kid: this.keyId }));
  }

  /** The token for one request; `now` in ms. */
  mint(assertion: GatewayAssertion, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    if (iat !== this.mintedIat || this.minted.size >= MINTED_PER_SECOND_MAX) {
      this.minted = new Map();
      this.mintedIat = iat;
    }
    const json = JSON.stringify({ ...assertion, iat, exp: iat + GATEWAY_IDENTITY_TTL_SECONDS });
    const known = this.minted.get(json);
    if (known !== undefined) return known;
    const signingInput = `${this.header}.${b64(json)}`;
    const token = `${signingInput}.${b64(sign(null, Buffer.from(signingInput), this.key))}`;
    this.minted.set(json, token);
    return token;
  }
}

interface Claims {
  sub?: unknown;
  roles?: unknown;
  cid?: unknown;
  ip?: unknown;
  aud?: unknown;
  htm?: unknown;
  htu?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/**
 * Verifies assertions for one upstream. Several public keys may be trusted at once: during a
 * rotation the upstreams trust the old and the new key, then the gateway switches, then the
 * old key is dropped (docs/security.md).
 */
export class GatewayIdentityVerifier {
  private readonly keys: Map<string, KeyObject>;

  /** `publicKeys`: Ed25519, each PEM or base64 SPKI DER (or one comma-separated string); `audience`: this upstream's name. */
  constructor(
    publicKeys: readonly string[] | string,
    private readonly audience: string,
  ) {
    const list = typeof publicKeys === 'string' ? publicKeys.split(',').filter((k) => k.trim()) : publicKeys;
    this.keys = new Map(
      list.map((text) => {
        const key = keyFrom(text, 'public');
        return [keyIdOf(key), key];
      }),
    );
    if (this.keys.size === 0) throw new Error('at least one gateway identity public key is needed');
  }

  /**
   * Checks the token of a request to `method path` (query ignored); throws IdentityHeaderError
   * when it is missing, not signed by a trusted key, expired, or minted for another upstream,
   * method or path.
   */
  verify(
    token: string | string[] | undefined,
    method: string,
    path: string,
    now = Date.now(),
  ): VerifiedAssertion {
    if (typeof token !== 'string' || token === '')
      throw new IdentityHeaderError('the gateway identity is missing');
    const [header, payload, signature, extra] = token.split('.');
    if (!header || !payload || !signature || extra !== undefined) {
      throw new IdentityHeaderError('the gateway identity is malformed');
    }
    const keyId = this.keyIdOf(header);
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (
      !key ||
      !verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))
    ) {
      throw new IdentityHeaderError('the gateway identity is not signed by a trusted gateway key');
    }
    const claims = this.parse<Claims>(payload);
    const seconds = now / 1000;
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
      throw new IdentityHeaderError('the gateway identity has no lifetime');
    }
    if (claims.exp < seconds - CLOCK_SKEW_SECONDS || claims.iat > seconds + CLOCK_SKEW_SECONDS) {
      throw new IdentityHeaderError('the gateway identity has expired');
    }
    const queryAt = path.indexOf('?');
    const pathOnly = queryAt === -1 ? path : path.slice(0, queryAt);
    if (claims.aud !== this.audience || claims.htm !== method || claims.htu !== pathOnly) {
      throw new IdentityHeaderError('the gateway identity was minted for another service or route');
    }
    if (typeof claims.ip !== 'string')
      throw new IdentityHeaderError('the gateway identity has no client address');
    if (claims.sub === undefined) return { clientIp: claims.ip };
    if (
      typeof claims.sub !== 'string' ||
      !Array.isArray(claims.roles) ||
      (claims.cid !== undefined && typeof claims.cid !== 'string')
    ) {
      throw new IdentityHeaderError('the gateway identity is malformed');
    }
    const roles = claims.roles.filter((role): role is string => typeof role === 'string');
    const caller: CallerIdentity = { userId: claims.sub, roles, clientIp: claims.ip };
    if (claims.cid !== undefined) caller.clientId = claims.cid;
    return { caller, clientIp: claims.ip };
  }

  private keyIdOf(header: string): string | undefined {
    const parsed = this.parse<{ alg?: unknown; typ?: unknown; kid?: unknown }>(header);
    // Only EdDSA: an `alg` of none or HS256 never reaches a verifier (the classic JWT confusion).
    if (parsed.alg !== 'EdDSA' || parsed.typ !== TOKEN_TYPE || typeof parsed.kid !== 'string')
      return undefined;
    return parsed.kid;
  }

  private parse<T>(part: string): T {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      if (typeof value === 'object' && value !== null) return value as T;
    } catch {
      // fall through: a token that is not JSON is malformed, not a server error
    }
    throw new IdentityHeaderError('the gateway identity is malformed');
  }
}

/** The parts of a test client's request (supertest's Test) that an assertion binds to. */
export interface SignableRequest {
  method: string;
  url: string;
  set(field: string, value: string): unknown;
}

/**
 * For tests and benchmarks that call an upstream directly: a request plugin (supertest's
 * `.use(...)`) that adds the identity the gateway would mint for `caller` on that request.
 */
export function identityPlugin(
  signer: GatewayIdentitySigner,
  audience: string,
  caller: CallerIdentity | undefined,
  clientIp = '127.0.0.1',
): (request: SignableRequest) => void {
  return (request) => {
    const token = signer.mint({
      sub: caller?.userId,
      roles: caller?.roles,
      cid: caller?.clientId,
      ip: caller?.clientIp ?? clientIp,
      aud: audience,
      htm: request.method.toUpperCase(),
      htu: new URL(request.url, 'http://upstream').pathname,
    });
    request.set(GATEWAY_IDENTITY_HEADER, token);
  };
}
