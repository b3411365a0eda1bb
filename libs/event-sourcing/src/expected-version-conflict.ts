/**
 * An append found its stream at another version than the writer expected: another writer got
 * there first, or the caller decided on a state it read earlier (If-Match). Nothing was
 * recorded; read the stream again and decide again. Every {@link EventStore} throws this one
 * type, so callers handle conflicts the same way whatever the store.
 */
export class ExpectedVersionConflict extends Error {
  override readonly name = 'ExpectedVersionConflict';
  /** Stable: callers and dashboards match on it, never on the message. */
  readonly code = 'STREAM.VERSION_CONFLICT';

  /**
   * @param actualVersion the version the stream was found at, when the store knows it (a
   * database that reports the race only as a unique-key violation does not).
   */
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion?: number,
  ) {
    super(
      actualVersion === undefined
        ? `stream ${streamId} changed after version ${expectedVersion}`
        : `stream ${streamId} is at version ${actualVersion}, not ${expectedVersion}`,
    );
  }
}
