import { createHash } from 'node:crypto';

/** Tunables of the cache; times in ms. */
export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most; beyond it the least recently used is forgotten. 0 = none. */
  maxEntries: number;
  /** An entry is trusted this long at most, even when its token lives longer. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Access tokens whose signature and claims were verified, by the SHA-256 of the token, with their
 * claims: a client sending many requests with one token pays the RS256 verification (about a
 * tenth of a millisecond of CPU, the gateway's largest cost per request) once, not per request.
 *
 * Only what verification proves is cached: a token is found again by its exact bytes (the hash of
 * the whole token, signature included, so a forged token can never match a verified one), until
 * its own `exp` or `maxAgeMs`, whichever comes first. Revocation is not cached here: it is checked
 * on every request. `maxAgeMs` keeps a key withdrawn from the JWKS from being trusted longer through
 * the cache than through the JWKS cache itself. Bounded by `maxEntries`; per gateway instance.
 */
export class VerifiedTokenCache<Claims extends { exp: number }> {
  private readonly entries = new Map<string, { claims: Claims; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: VerifiedTokenCacheOptions) {
    this.maxEntries = options.maxEntries;
    this.maxAgeMs = options.maxAgeMs;
    this.now = options.now ?? Date.now;
  }

  /** Tokens remembered now (expired ones not yet met included). */
  get size(): number {
    return this.entries.size;
  }

  /** The key a token is remembered by: never the token itself, which is a bearer credential. */
  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  /** The claims of the verified token with this key, or undefined when unknown or expired. */
  get(key: string): Claims | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (this.now() >= entry.expiresAt) return undefined;
    // Re-inserted last: the map's order is the order of use, the first entry the one to evict.
    this.entries.set(key, entry);
    return entry.claims;
  }

  /** Remembers a token just verified, with its claims. */
  remember(key: string, claims: Claims): void {
    if (this.maxEntries === 0) return;
    const now = this.now();
    const expiresAt = Math.min(claims.exp * 1000, now + this.maxAgeMs);
    if (expiresAt <= now) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { claims, expiresAt });
  }
}
