/** Tunables of the cache; times in ms. */
export interface NotRevokedCacheOptions {
  /** How long a "not revoked" answer is trusted, from the moment its lookup was sent; 0 = never. */
  ttlMs: number;
  /** Tokens remembered at most; beyond it the oldest answers are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Recent "this token is not revoked" answers of the revocation list, by token id (`jti`), so that a
 * client sending many requests with one token costs one Redis lookup per `ttlMs`, not one per
 * request. Only that answer is kept: a revoked token is looked up every time, and is refused.
 *
 * Bounded staleness: an answer is trusted until `ttlMs` after its lookup was *sent* (not answered),
 * so a revocation, or a role change, written at time T is in force for every request that starts
 * at T + ttlMs or later, whatever the round trip took. Per gateway instance; memory is bounded by
 * `maxEntries`. Synchronous: no timers, expired entries go when met or when the oldest are swept.
 */
export class NotRevokedCache {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  // Insertion order is (about) expiry order, since the TTL is one constant: the first entries are
  // the first to expire and the ones to evict when full.
  private readonly expiresAt = new Map<string, number>();
  readonly now: () => number;

  constructor(options: NotRevokedCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /** Tokens remembered now (expired ones not yet swept included). */
  get size(): number {
    return this.expiresAt.size;
  }

  /** Whether `tokenId` was found not revoked by a lookup sent less than `ttlMs` ago. */
  has(tokenId: string): boolean {
    const expiresAt = this.expiresAt.get(tokenId);
    if (expiresAt === undefined) return false;
    if (this.now() < expiresAt) return true;
    this.expiresAt.delete(tokenId);
    return false;
  }

  /** Records that `tokenId` was not revoked, as of `askedAt`: when its lookup was sent. */
  remember(tokenId: string, askedAt: number): void {
    if (this.ttlMs === 0) return;
    const expiresAt = askedAt + this.ttlMs;
    const now = this.now();
    if (expiresAt <= now) return;
    this.sweep(now);
    // Deleted first so that a refreshed token moves to the end, keeping the order of expiry.
    this.expiresAt.delete(tokenId);
    if (this.expiresAt.size >= this.maxEntries) {
      const oldest = this.expiresAt.keys().next().value as string;
      this.expiresAt.delete(oldest);
    }
    this.expiresAt.set(tokenId, expiresAt);
  }

  /** Forgets the expired answers at the head of the map: amortised O(1) per `remember`. */
  private sweep(now: number): void {
    for (const [tokenId, expiresAt] of this.expiresAt) {
      if (expiresAt > now) return;
      this.expiresAt.delete(tokenId);
    }
  }
}
