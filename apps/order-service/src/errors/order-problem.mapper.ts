import { isPostgresUnavailable } from '@platform/postgres';
import { problemMapper, type ProblemShape } from '@platform/service-edge';
import { IdempotencyKeyReused, InvalidIdempotencyKey } from '../idempotency/http/idempotency.errors';
import { OrderNotFound } from '../orders/application/order-not-found';
import {
  OrderError,
  OrderForbidden,
  OrderRuleViolation,
  type OrderRuleCode,
} from '../orders/domain/order.errors';
import { InvalidBody, InvalidIfMatch, InvalidQuery } from '../orders/http/order-http.errors';
import { VersionConflict } from '../orders/application/version-conflict';
import { PricesChanged } from '../orders/application/prices-changed';
import { InvalidPaymentCallback, InvalidPaymentSignature } from '../payments/http/payment.errors';

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

/** A broken rule: 404 for an order never placed, 422 for the request's content, 409 for the order's state. */
function ruleViolationProblem(error: OrderRuleViolation): ProblemShape {
  const errors = error.field ? { errors: [{ path: error.field, message: error.message }] } : {};
  if (error.code === 'ORDER.NOT_PLACED') return { status: 404, title: 'Order not found', ...errors };
  return unprocessable.has(error.code)
    ? { status: 422, title: 'Order rule violated', ...errors }
    : { status: 409, title: 'Order is not in a state that allows this', ...errors };
}

/** The one mapping of order-service's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export const mapOrderError = problemMapper({
  unavailable: [{ when: isPostgresUnavailable, store: 'the order store' }],
  errors: [
    [InvalidBody, 400, 'Invalid request body'],
    [InvalidQuery, 400, 'Invalid query parameters'],
    [InvalidIfMatch, 400, 'Invalid If-Match header'],
    [InvalidPaymentCallback, 400, 'Invalid payment callback'],
    [InvalidPaymentSignature, 401, 'Invalid payment signature'],
    [OrderForbidden, 403, 'Forbidden'],
    [InvalidIdempotencyKey, 400, 'Invalid Idempotency-Key header'],
    [IdempotencyKeyReused, 422, 'Idempotency-Key reused'],
    [OrderNotFound, 404, 'Order not found'],
    [VersionConflict, 409, 'Order changed meanwhile'],
    [PricesChanged, 409, 'Catalog prices changed meanwhile'],
    [OrderRuleViolation, ruleViolationProblem],
    [OrderError, 500, 'Internal error'],
  ],
});
