import { z } from 'zod';
import type { HttpApiSpec, HttpOperationSpec } from './http-api';

/**
 * Free text that order-service stores: PostgreSQL text and jsonb cannot hold NUL, so a NUL is
 * refused here as an invalid field (400) instead of failing the insert (`npm run fuzz:http`
 * probing found a 500 for a SKU holding one).
 */
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL (U+0000)');

/**
 * A business rule the order domain checks, written into the OpenAPI document (as JSON Schema
 * keywords) but not into these shapes: a body that breaks it is well-formed, and the domain
 * answers it with its own code (422) rather than this shape with 400 ORDER.INVALID_BODY. Saying
 * it in the document lets a client, and a fuzzer, build orders the domain takes.
 */
const domainRule = <T extends z.ZodType>(schema: T, rule: Record<string, unknown>): T => schema.meta(rule);

const currency = domainRule(text(8), { pattern: '^[A-Z]{3}$' }).describe(
  'ISO 4217 code, e.g. EUR (else 422 ORDER.INVALID_CURRENCY)',
);

/**
 * Request shapes of order-service. Business rules (at least one line, quantities above 0, a
 * valid currency, the total) are the domain's, which answers them with their own codes (422/409);
 * the document states them (`domainRule`).
 */
export const placeOrderBodySchema = z.object({
  lines: domainRule(
    z.array(
      z.object({
        sku: text(64),
        quantity: domainRule(z.int(), { minimum: 1 }).describe(
          'at least 1 (else 422 ORDER.INVALID_QUANTITY)',
        ),
        unitPriceMinor: domainRule(z.int(), { minimum: 0 }).describe(
          'price of one unit in minor units (cents), at least 0 (else 422 ORDER.INVALID_PRICE)',
        ),
      }),
    ),
    { minItems: 1 },
  ).describe('at least one line (else 422 ORDER.EMPTY); the total must be a safe integer'),
  currency,
});
export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;

export const payOrderBodySchema = z.object({
  amountMinor: domainRule(z.int(), { minimum: 0 }).describe(
    'must equal the order total (else 422 ORDER.AMOUNT_MISMATCH)',
  ),
  currency: domainRule(text(8), { pattern: '^[A-Z]{3}$' }).describe(
    'the order’s currency (else 422 ORDER.CURRENCY_MISMATCH)',
  ),
  paymentReference: text(128),
});
export type PayOrderBody = z.infer<typeof payOrderBodySchema>;

export const shipOrderBodySchema = z.object({
  carrier: text(64).optional(),
  trackingNumber: text(128).optional(),
});
export type ShipOrderBody = z.infer<typeof shipOrderBodySchema>;

export const cancelOrderBodySchema = z.object({ reason: text(500) });
export type CancelOrderBody = z.infer<typeof cancelOrderBodySchema>;

export const emptyBodySchema = z.object({});

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
  lines: placeOrderBodySchema.shape.lines,
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
  unprocessable = 'IDEMPOTENCY.KEY_REUSED',
): HttpOperationSpec {
  return {
    method: 'POST',
    path: `/orders/{id}/${action}`,
    summary,
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
      summary: 'Place an order',
      body: placeOrderBodySchema,
      headers: idempotencyKey,
      responses: {
        201: {
          description: 'placed',
          body: placedOrderSchema,
          headers: { Location: '/orders/{id}', ...etag },
        },
        400: {
          description: 'ORDER.INVALID_BODY, with the path and message of every invalid field in `errors`',
        },
        422: {
          description:
            'ORDER.EMPTY, ORDER.INVALID_QUANTITY, ORDER.INVALID_PRICE, ORDER.INVALID_CURRENCY, ORDER.TOTAL_TOO_LARGE, or IDEMPOTENCY.KEY_REUSED',
        },
      },
    },
    {
      method: 'GET',
      path: '/orders/{id}',
      summary: 'One order (its owner or an admin)',
      params: idParam,
      responses: {
        200: { description: 'the order', body: orderViewSchema, headers: etag },
        404: { description: 'ORDER.NOT_FOUND: unknown, or another customer’s' },
      },
    },
    change(
      'confirm',
      'Confirm a placed order',
      emptyBodySchema,
      'ORDER.INVALID_TRANSITION, ORDER.ALREADY_CANCELLED',
    ),
    change(
      'pay',
      'Pay a placed or confirmed order; the amount is its total',
      payOrderBodySchema,
      'ORDER.ALREADY_PAID, ORDER.INVALID_TRANSITION, ORDER.ALREADY_CANCELLED',
      'ORDER.AMOUNT_MISMATCH, ORDER.CURRENCY_MISMATCH, or IDEMPOTENCY.KEY_REUSED',
    ),
    change('ship', 'Ship a paid order', shipOrderBodySchema, 'ORDER.NOT_PAID, ORDER.ALREADY_SHIPPED'),
    change(
      'cancel',
      'Cancel an order that has not shipped (an admin cancels as the merchant)',
      cancelOrderBodySchema,
      'ORDER.ALREADY_SHIPPED',
    ),
  ],
};
