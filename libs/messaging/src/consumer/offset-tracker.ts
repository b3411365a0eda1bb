/**
 * Tracks which offsets of one partition are done, when they complete out of order (different
 * keys run concurrently), and answers the one question a commit needs: the highest offset below
 * which everything is done. Committing past an unfinished message would lose it on a crash.
 *
 * Offsets are strings in kafkajs; they fit a JS number for any realistic partition (2^53).
 */
export class OffsetTracker {
  private readonly pending = new Set<number>();
  /** Highest offset such that it and everything tracked before it are done; -1: none yet. */
  private watermark = -1;
  private next = -1;

  /** Registers an offset as fetched, in fetch order. */
  track(offset: number): void {
    if (this.next === -1) this.watermark = offset - 1;
    this.next = offset + 1;
    this.pending.add(offset);
  }

  /** Marks an offset done; returns the new commit position (next offset to read) if it moved. */
  complete(offset: number): number | undefined {
    if (!this.pending.delete(offset)) return undefined;
    const before = this.watermark;
    // Offsets can have gaps (compaction, transaction markers): advance over done ones and gaps
    // alike, stopping only at an offset still pending.
    while (this.watermark + 1 < this.next && !this.pending.has(this.watermark + 1)) {
      this.watermark += 1;
    }
    return this.watermark > before ? this.watermark + 1 : undefined;
  }

  /** The next offset to commit: everything below it is done. */
  get commitPosition(): number {
    return this.watermark + 1;
  }

  /** Fetched and not yet done. */
  get inFlight(): number {
    return this.pending.size;
  }
}
