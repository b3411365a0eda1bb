/** A stream as read: its events in order and the version of the last one (0: no events yet). */
export interface StreamRead<Event> {
  events: readonly Event[];
  version: number;
  /**
   * When the stream's first event was recorded (ISO 8601), for stores that keep it; absent for a
   * stream with no events.
   */
  createdAt?: string;
}

/** How an append is checked, and what a store may project in the same write. */
export interface AppendOptions<State> {
  /** The version the writer decided on: the append fails unless the stream is still there. */
  expectedVersion: number;
  /**
   * The stream's state after the appended events, as the writer already folded it. A store that
   * keeps a read model in the same transaction projects this rather than folding the events again.
   */
  stateAfter: State;
  /** {@link StreamRead.createdAt} of the read the writer decided on, handed back for the same reason. */
  createdAt?: string;
}

/** What an append leaves: the version to expect for the next one. */
export interface AppendResult {
  nextExpectedVersion: number;
}

/**
 * Where streams of events are kept, with optimistic concurrency: an append names the version it
 * expects, and fails with {@link ExpectedVersionConflict} when the stream has moved on, so two
 * writers that decided on the same state never both record. Appending no events records nothing
 * and answers the expected version. `State` is only what {@link AppendOptions.stateAfter}
 * carries; a store with no read model of its own ignores it.
 */
export interface EventStore<Event, State = unknown> {
  /** Reads the whole stream `streamId`; a stream that does not exist reads as no events at version 0. */
  readStream(streamId: string): Promise<StreamRead<Event>>;
  /** Appends `events` after `options.expectedVersion`, atomically: all of them or none. */
  appendToStream(
    streamId: string,
    events: readonly Event[],
    options: AppendOptions<State>,
  ): Promise<AppendResult>;
}
