/** Gives back one slot of a bulkhead; calling it again does nothing. */
export type Release = () => void;

/**
 * A bound on the requests in flight to one upstream. When it is reached, a request is refused at
 * once rather than queued: under overload a queue only adds waiting to every answer until they all
 * time out, while a refusal costs microseconds and tells the client to come back. One bulkhead per
 * upstream, so a slow service fills its own slots and no one else's. Synchronous, no timers.
 */
export class Bulkhead {
  private inFlight = 0;

  constructor(readonly maxInFlight: number) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
      throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }

  /** Requests holding a slot now. */
  get current(): number {
    return this.inFlight;
  }

  /**
   * Takes a slot: the function that gives it back, or `undefined` when every slot is taken (the
   * caller sheds the request). The release is idempotent, so every way a request can end (finish,
   * client abort, error, timeout) may call it and the slot is still given back exactly once.
   */
  tryAcquire(): Release | undefined {
    if (this.inFlight >= this.maxInFlight) return undefined;
    this.inFlight += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.inFlight -= 1;
    };
  }
}
