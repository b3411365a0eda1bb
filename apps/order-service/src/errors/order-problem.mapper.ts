import { IdentityHeaderError } from '@platform/identity';
import { dependencyUnavailable, type Problem } from '@platform/observability';
import { isPostgresUnavailable } from '@platform/postgres';
import { IdempotencyKeyReused, InvalidIdempotencyKey } from '../idempotency/idempotency.errors';
import { OrderNotFound } from '../orders/application/order-not-found';
import {
  OrderError,
  OrderForbidden,
  OrderRuleViolation,
  type OrderRuleCode,
} from '../orders/domain/order.errors';
import { InvalidBody, InvalidIfMatch, InvalidQuery } from '../orders/http/order-http.errors';
import { VersionConflict } from '../orders/infrastructure/version-conflict';
import { InvalidPaymentCallback, InvalidPaymentSignature } from '../payments/payment.errors';

/** Rules about what the request carries (422); the others are about the order's state (409). */
const unprocessable = new Set<OrderRuleCode>([
  'ORDER.EMPTY',
  'ORDER.INVALID_QUANTITY',
  'ORDER.INVALID_PRICE',
  'ORDER.UNKNOWN_SKU',
  'ORDER.MIXED_CURRENCY',
  'ORDER.INVALID_CURRENCY',
  'ORDER.TOTAL_TOO_LARGE',
  'ORDER.AMOUNT_MISMATCH',
  'ORDER.CURRENCY_MISMATCH',
]);

function statusOf(error: OrderError): { status: number; title: string } {
  if (error instanceof InvalidBody) return { status: 400, title: 'Invalid request body' };
  if (error instanceof InvalidQuery) return { status: 400, title: 'Invalid query parameters' };
  if (error instanceof InvalidIfMatch) return { status: 400, title: 'Invalid If-Match header' };
  if (error instanceof InvalidPaymentCallback) return { status: 400, title: 'Invalid payment callback' };
  if (error instanceof InvalidPaymentSignature) return { status: 401, title: 'Invalid payment signature' };
  if (error instanceof OrderForbidden) return { status: 403, title: 'Forbidden' };
  if (error instanceof InvalidIdempotencyKey) return { status: 400, title: 'Invalid Idempotency-Key header' };
  if (error instanceof IdempotencyKeyReused) return { status: 422, title: 'Idempotency-Key reused' };
  if (error instanceof OrderNotFound) return { status: 404, title: 'Order not found' };
  if (error instanceof VersionConflict) return { status: 409, title: 'Order changed meanwhile' };
  if (error instanceof OrderRuleViolation) {
    if (error.code === 'ORDER.NOT_PLACED') return { status: 404, title: 'Order not found' };
    return unprocessable.has(error.code)
      ? { status: 422, title: 'Order rule violated' }
      : { status: 409, title: 'Order is not in a state that allows this' };
  }
  return { status: 500, title: 'Internal error' };
}

/** The one mapping of order-service's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export function mapOrderError(error: unknown): Problem | undefined {
  if (error instanceof IdentityHeaderError) {
    return { status: 401, title: 'Unauthenticated', code: error.code, detail: error.message };
  }
  if (isPostgresUnavailable(error)) return dependencyUnavailable('the order store');
  if (!(error instanceof OrderError)) return undefined;
  const problem: Problem = { ...statusOf(error), code: error.code, detail: error.message };
  if (
    error instanceof InvalidBody ||
    error instanceof InvalidQuery ||
    error instanceof InvalidPaymentCallback
  ) {
    problem['errors'] = error.errors;
  }
  if (error instanceof OrderRuleViolation && error.field) {
    problem['errors'] = [{ path: error.field, message: error.message }];
  }
  return problem;
}
