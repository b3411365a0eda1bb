import { OrderError } from '../domain/order.errors';

/** No such order, or not one the caller may see: the same answer, so ids cannot be probed. */
export class OrderNotFound extends OrderError {
  override readonly name = 'OrderNotFound';
  readonly code = 'ORDER.NOT_FOUND';

  constructor(readonly orderId: string) {
    super(`order ${orderId} was not found`);
  }
}
