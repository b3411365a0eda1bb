import { OrderError } from '../domain/order.errors';

/** A request body that breaks its schema; `errors` names each field. */
export class InvalidBody extends OrderError {
  override readonly name = 'InvalidBody';
  readonly code = 'ORDER.INVALID_BODY';

  constructor(readonly errors: { path: string; message: string }[]) {
    super('the request body is invalid');
  }
}

/** An If-Match header that is not one order version. */
export class InvalidIfMatch extends OrderError {
  override readonly name = 'InvalidIfMatch';
  readonly code = 'ORDER.INVALID_IF_MATCH';

  constructor(value: string) {
    super(`If-Match must be one order version, e.g. "3"; got ${JSON.stringify(value)}`);
  }
}

/** Query parameters that break their schema (or a cursor that is not ours); `errors` names each. */
export class InvalidQuery extends OrderError {
  override readonly name = 'InvalidQuery';
  readonly code = 'ORDER.INVALID_QUERY';

  constructor(readonly errors: { path: string; message: string }[]) {
    super('the query parameters are invalid');
  }
}
