/** Where one part of the messaging start is: a producer, an owner's topics, a consumer group. */
export type PartState =
  | { state: 'starting' }
  | { state: 'waiting'; reason: string; attempt: number }
  | { state: 'failed'; reason: string }
  | { state: 'started' };

/**
 * The progress of the messaging start, part by part, for `/health/ready`: it says which part is
 * not started and why ("consumer group x: waiting for topics: order.events (created by
 * order-service), attempt 3"), until every part has started.
 */
export class StartupProgress {
  private readonly parts = new Map<string, PartState>();

  /** Sets where `part` is; parts are reported in the order they were first set. */
  set(part: string, state: PartState): void {
    this.parts.set(part, state);
  }

  /** Why messaging is not started, one clause per part that is not; undefined once all are. */
  notStarted(): string | undefined {
    const clauses = [...this.parts].flatMap(([part, state]) => {
      switch (state.state) {
        case 'started':
          return [];
        case 'starting':
          return [`${part}: starting`];
        case 'waiting':
          return [`${part}: ${state.reason} (attempt ${state.attempt}, retrying with backoff)`];
        case 'failed':
          return [`${part}: failed, not retrying: ${state.reason}`];
        default: {
          const unknown: never = state;
          throw new Error(`unknown part state ${JSON.stringify(unknown)}`);
        }
      }
    });
    return clauses.length > 0 ? clauses.join('; ') : undefined;
  }
}
