import type { ExpectedVersionConflict } from '@platform/event-sourcing';
import { OrderError } from '../domain/order.errors';

/**
 * The order changed since the caller read it (If-Match, or another writer appended first):
 * nothing was recorded; read again and retry. The order's face of the event store's
 * ExpectedVersionConflict, with the stable code clients see in the 409.
 */
export class VersionConflict extends OrderError {
  override readonly name = 'VersionConflict';
  readonly code = 'ORDER.VERSION_CONFLICT';

  constructor(
    readonly orderId: string,
    readonly expectedVersion: number,
    readonly actualVersion?: number,
    options?: ErrorOptions,
  ) {
    super(
      actualVersion === undefined
        ? `order ${orderId} changed after version ${expectedVersion}`
        : `order ${orderId} is at version ${actualVersion}, not ${expectedVersion}`,
      options,
    );
  }

  /** The conflict an append to the order's stream met, as the order's error (it keeps it as cause). */
  static of(conflict: ExpectedVersionConflict): VersionConflict {
    return new VersionConflict(conflict.streamId, conflict.expectedVersion, conflict.actualVersion, {
      cause: conflict,
    });
  }
}
