/**
 * The root of every error order-service answers a client with: a stable `code` that clients and
 * dashboards rely on. How a code maps to HTTP is the edge's business (errors/order-problem.mapper).
 */
export abstract class OrderError extends Error {
  abstract readonly code: string;
}

/** Codes of the business rules an order command can break. */
export type OrderRuleCode =
  | 'ORDER.ALREADY_EXISTS'
  | 'ORDER.EMPTY'
  | 'ORDER.INVALID_QUANTITY'
  | 'ORDER.INVALID_PRICE'
  | 'ORDER.UNKNOWN_SKU'
  | 'ORDER.MIXED_CURRENCY'
  | 'ORDER.INVALID_CURRENCY'
  | 'ORDER.TOTAL_TOO_LARGE'
  | 'ORDER.NOT_PLACED'
  | 'ORDER.INVALID_TRANSITION'
  | 'ORDER.ALREADY_PAID'
  | 'ORDER.ALREADY_SHIPPED'
  | 'ORDER.ALREADY_CANCELLED'
  | 'ORDER.NOT_PAID'
  | 'ORDER.AMOUNT_MISMATCH'
  | 'ORDER.CURRENCY_MISMATCH';

/**
 * A command that breaks a rule of the order: nothing was recorded. `field` names the request
 * field at fault when there is one (`lines.1.sku`), so a client can point at it.
 */
export class OrderRuleViolation extends OrderError {
  override readonly name = 'OrderRuleViolation';

  constructor(
    readonly code: OrderRuleCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The caller is signed in (and may see the order) but its roles do not allow the action. */
export class OrderForbidden extends OrderError {
  override readonly name = 'OrderForbidden';
  readonly code = 'ORDER.FORBIDDEN';

  constructor(action: string) {
    super(`your roles do not allow you to ${action}`);
  }
}
