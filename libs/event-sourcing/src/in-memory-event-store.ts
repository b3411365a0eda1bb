import type { AppendOptions, AppendResult, EventStore, StreamRead } from './event-store';
import { ExpectedVersionConflict } from './expected-version-conflict';

/**
 * An EventStore in memory, for unit tests of command handling: the same contract as a database
 * store (versions from 1, ExpectedVersionConflict on a stale append, all or nothing). Events are
 * copied in and out (structuredClone), so a test that mutates what it passed or read cannot
 * change the stream, as with a store that serializes.
 */
export class InMemoryEventStore<Event, State = unknown> implements EventStore<Event, State> {
  private readonly streams = new Map<string, Event[]>();

  /** Reads the stream; an unknown one is empty at version 0. */
  async readStream(streamId: string): Promise<StreamRead<Event>> {
    const events = this.streams.get(streamId) ?? [];
    return { events: structuredClone(events), version: events.length };
  }

  /**
   * Appends after `expectedVersion`, or throws ExpectedVersionConflict and records nothing. No
   * events is no write at all, checked against nothing, as in the Postgres stores.
   */
  async appendToStream(
    streamId: string,
    events: readonly Event[],
    options: AppendOptions<State>,
  ): Promise<AppendResult> {
    if (events.length === 0) return { nextExpectedVersion: options.expectedVersion };
    const stream = this.streams.get(streamId) ?? [];
    if (stream.length !== options.expectedVersion) {
      throw new ExpectedVersionConflict(streamId, options.expectedVersion, stream.length);
    }
    stream.push(...structuredClone(events));
    this.streams.set(streamId, stream);
    return { nextExpectedVersion: stream.length };
  }
}
