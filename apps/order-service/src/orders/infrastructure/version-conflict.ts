import { OrderError } from '../domain/order.errors';

/**
 * The order changed since the caller read it (If-Match, or another writer appended first):
 * nothing was recorded; read again and retry.
 */
export class VersionConflict extends OrderError {
  override readonly name = 'VersionConflict';
  readonly code = 'ORDER.VERSION_CONFLICT';

  constructor(
    readonly orderId: string,
    readonly expectedVersion: number,
    readonly actualVersion?: number,
  ) {
    super(
      actualVersion === undefined
        ? `order ${orderId} changed after version ${expectedVersion}`
        : `order ${orderId} is at version ${actualVersion}, not ${expectedVersion}`,
    );
  }
}
