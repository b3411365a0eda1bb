import { OrderError } from '../orders/domain/order.errors';

/** The key was used before for a different request: its answer cannot be this request's. */
export class IdempotencyKeyReused extends OrderError {
  override readonly name = 'IdempotencyKeyReused';
  readonly code = 'IDEMPOTENCY.KEY_REUSED';

  constructor() {
    super('this Idempotency-Key was used for a different request');
  }
}

/** The first request with the key has not answered yet; retry later. */
export class IdempotencyKeyInProgress extends OrderError {
  override readonly name = 'IdempotencyKeyInProgress';
  readonly code = 'IDEMPOTENCY.IN_PROGRESS';

  constructor() {
    super('a request with this Idempotency-Key is still in progress');
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
