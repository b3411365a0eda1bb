import { OrderError } from '../domain/order.errors';

/**
 * An order was priced from the catalog as this instance last read it, and the catalog changed
 * before the order was recorded: nothing was recorded. The service prices it again from a fresh
 * read; a client sees this only when the prices keep changing under every attempt.
 */
export class PricesChanged extends OrderError {
  override readonly name = 'PricesChanged';
  readonly code = 'ORDER.PRICES_CHANGED';
  /** Placing the same lines again prices them afresh. */
  readonly retriable = true;

  constructor(readonly orderId: string) {
    super(`the catalog changed while order ${orderId} was priced`);
  }
}
