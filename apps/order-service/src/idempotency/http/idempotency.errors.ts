import { OrderError } from '../../orders/domain/order.errors';

/** The key was used before for a different request: its answer cannot be this request's. */
export class IdempotencyKeyReused extends OrderError {
  override readonly name = 'IdempotencyKeyReused';
  readonly code = 'IDEMPOTENCY.KEY_REUSED';

  constructor() {
    super('this Idempotency-Key was used for a different request');
  }
}

/** An Idempotency-Key that is empty or too long. */
export class InvalidIdempotencyKey extends OrderError {
  override readonly name = 'InvalidIdempotencyKey';
  readonly code = 'IDEMPOTENCY.INVALID_KEY';

  constructor() {
    super('Idempotency-Key must be 1 to 255 characters');
  }
}
