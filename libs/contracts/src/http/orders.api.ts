import { z } from 'zod';
import { text } from '../text';
import type { Role } from '@platform/identity';
import type { HttpApiSpec, HttpOperationSpec } from './http-api';

/**
 * A business rule the order domain checks, written into the OpenAPI document (as JSON Schema
 * keywords) but not into these shapes: a body that breaks it is well-formed, and the domain
 * answers it with its own code (422) rather than this shape with 400 ORDER.INVALID_BODY. Saying
 * it in the document lets a client, and a fuzzer, build orders the domain takes.
 */
const domainRule = <T extends z.ZodType>(schema: T, rule: Record<string, unknown>): T => schema.meta(rule);

/**
 * A code a machine reads (SKU, payment reference, carrier, tracking number): `text()` (well-formed
 * Unicode, no controls or bidi overrides, bounded in code points) of letters, digits and a few
 * separators, so an emoji or a symbol is a 400 naming the field rather than a row nobody can type.
 */
export const identifierText = (max: number) =>
  text({ max }).regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._:/#-]*$/u,
    'must be letters, digits, space and . _ : / # -',
  );

/** A catalog SKU as clients send it and the catalog stores it. */
export const skuSchema = identifierText(64).describe('a SKU of the catalog (GET /catalog), e.g. BOOK-1');

/** Free text a person writes (a reason): any well-formed Unicode, emoji included, multi-line. */
const note = (max: number) => text({ max, multiline: true });

const currency = domainRule(text({ max: 8 }), { pattern: '^[A-Z]{3}$' }).describe(
  'the order’s ISO 4217 code, e.g. EUR (else 422 ORDER.CURRENCY_MISMATCH)',
);

/**
 * Request shapes of order-service. They are closed (`strictObject`): a field the API does not
 * take, such as a client's `unitPriceMinor`, is a 400 naming it rather than silently dropped.
 * Business rules (at least one line, quantities above 0, known SKUs, the total) are the domain's,
 * which answers them with their own codes (422/409); the document states them (`domainRule`).
 */
export const placeOrderBodySchema = z.strictObject({
  lines: domainRule(
    z.array(
      z.strictObject({
        sku: skuSchema,
        quantity: domainRule(z.int(), { minimum: 1 }).describe(
          'at least 1 (else 422 ORDER.INVALID_QUANTITY)',
        ),
      }),
    ),
    { minItems: 1 },
  ).describe(
    'at least one line (else 422 ORDER.EMPTY); prices and the currency come from the catalog ' +
      '(422 ORDER.UNKNOWN_SKU for a SKU it does not sell, ORDER.MIXED_CURRENCY for lines priced in two currencies)',
  ),
});
export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;

/**
 * A payment staff record by hand (a bank transfer the provider never saw): what was received,
 * the reference to find it again, and why it is recorded by hand. Customers cannot pay this way:
 * their payments arrive as the provider's signed callback (POST /payments/callbacks).
 */
export const payOrderBodySchema = z.strictObject({
  amountMinor: domainRule(z.int(), { minimum: 0 }).describe(
    'must equal the order total (else 422 ORDER.AMOUNT_MISMATCH)',
  ),
  currency,
  paymentReference: identifierText(128).describe('where the money can be found, e.g. a bank transfer id'),
  reason: note(500).describe('why the payment is recorded by hand'),
});
export type PayOrderBody = z.infer<typeof payOrderBodySchema>;

export const shipOrderBodySchema = z.strictObject({
  carrier: identifierText(64).optional(),
  trackingNumber: identifierText(128).optional(),
});
export type ShipOrderBody = z.infer<typeof shipOrderBodySchema>;

export const cancelOrderBodySchema = z.strictObject({ reason: note(500) });
export type CancelOrderBody = z.infer<typeof cancelOrderBodySchema>;

export const emptyBodySchema = z.strictObject({});

export const listOrdersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

/** Answer shapes (documentation; the service builds them). */
const orderViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  status: z.enum(['placed', 'confirmed', 'paid', 'shipped', 'cancelled']),
  lines: z.array(
    z.object({
      sku: z.string(),
      quantity: z.int(),
      unitPriceMinor: z.int().describe('the catalog price the order was charged, per unit in minor units'),
    }),
  ),
  currency: z.string(),
  totalMinor: z.int(),
  version: z.int().describe('the stream version; the ETag, and what If-Match takes'),
});
const placedOrderSchema = z.object({ id: z.string(), version: z.int() });
const orderPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      currency: z.string(),
      totalMinor: z.int(),
      version: z.int(),
      placedAt: z.string().describe('ISO 8601'),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const idempotencyKey = {
  'Idempotency-Key': {
    description:
      'makes the POST safe to retry: the same key with the same body answers the first answer (Idempotent-Replayed: true); with another body, 422',
  },
};
const ifMatch = {
  'If-Match': { description: 'the version the change is based on ("3" or 3); 409 when the order moved on' },
};
const etag = { ETag: 'the new version, quoted' };
const idParam = { id: 'the order id' };

function change(
  action: string,
  summary: string,
  body: z.ZodType,
  conflicts: string,
  forbidden: string,
  roles: readonly Role[],
  unprocessable = 'IDEMPOTENCY.KEY_REUSED',
): HttpOperationSpec {
  return {
    method: 'POST',
    path: `/orders/{id}/${action}`,
    operationId: `${action}Order`,
    summary,
    roles,
    params: idParam,
    body,
    headers: { ...ifMatch, ...idempotencyKey },
    responses: {
      200: {
        description: 'the order after the change (repeating a done change answers the same)',
        body: orderViewSchema,
        headers: etag,
      },
      400: { description: 'ORDER.INVALID_BODY (with `errors`), invalid If-Match or Idempotency-Key' },
      403: { description: `ORDER.FORBIDDEN: ${forbidden}` },
      404: { description: 'ORDER.NOT_FOUND: unknown, or another customer’s' },
      409: {
        description: `${conflicts}; ORDER.VERSION_CONFLICT when If-Match is stale or a concurrent change won`,
      },
      422: { description: unprocessable },
    },
  };
}

/** order-service's public API, behind the gateway's `/orders` route (bearer token required). */
export const ordersHttpApi: HttpApiSpec = {
  prefix: '/orders',
  operations: [
    {
      method: 'GET',
      path: '/orders',
      operationId: 'listOrders',
      summary: 'The caller’s orders, newest first',
      query: listOrdersQuerySchema,
      responses: {
        200: { description: 'a page; follow nextCursor until null', body: orderPageSchema },
        400: { description: 'ORDER.INVALID_QUERY: limit out of 1..100, or a cursor this list did not make' },
      },
    },
    {
      method: 'POST',
      path: '/orders',
      operationId: 'placeOrder',
      summary: 'Place an order',
      roles: ['customer'],
      body: placeOrderBodySchema,
      headers: idempotencyKey,
      responses: {
        201: {
          description: 'placed',
          body: placedOrderSchema,
          headers: { Location: '/orders/{id}', ...etag },
        },
        400: {
          description:
            'ORDER.INVALID_BODY, with the path and message of every invalid field in `errors` (a price sent by the client included)',
        },
        403: { description: 'ORDER.FORBIDDEN: the caller is not a customer' },
        422: {
          description:
            'ORDER.EMPTY, ORDER.INVALID_QUANTITY, ORDER.UNKNOWN_SKU (naming the line), ORDER.MIXED_CURRENCY, ORDER.TOTAL_TOO_LARGE, or IDEMPOTENCY.KEY_REUSED',
        },
      },
    },
    {
      method: 'GET',
      path: '/orders/{id}',
      operationId: 'getOrder',
      summary: 'One order (its owner, staff or an admin)',
      params: idParam,
      responses: {
        200: { description: 'the order', body: orderViewSchema, headers: etag },
        404: { description: 'ORDER.NOT_FOUND: unknown, or another customer’s' },
      },
    },
    change(
      'confirm',
      'Confirm a placed order (staff)',
      emptyBodySchema,
      'ORDER.INVALID_TRANSITION, ORDER.ALREADY_CANCELLED',
      'only staff confirm orders',
      ['staff'],
    ),
    change(
      'pay',
      'Record by hand a payment the provider did not report (staff); the amount is the order total',
      payOrderBodySchema,
      'ORDER.ALREADY_PAID, ORDER.INVALID_TRANSITION, ORDER.ALREADY_CANCELLED',
      'only staff record payments; a customer pays through the payment provider',
      ['staff'],
      'ORDER.AMOUNT_MISMATCH, ORDER.CURRENCY_MISMATCH, or IDEMPOTENCY.KEY_REUSED',
    ),
    change(
      'ship',
      'Ship a paid order (staff)',
      shipOrderBodySchema,
      'ORDER.NOT_PAID, ORDER.ALREADY_SHIPPED',
      'only staff ship orders',
      ['staff'],
    ),
    change(
      'cancel',
      'Cancel an order that has not shipped (its customer; staff cancel any, as the merchant)',
      cancelOrderBodySchema,
      'ORDER.ALREADY_SHIPPED',
      'an admin who is not staff cannot cancel another’s order',
      ['customer', 'staff'],
    ),
  ],
};
