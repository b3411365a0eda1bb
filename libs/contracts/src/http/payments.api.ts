import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { text } from '../text';
import type { HttpApiSpec } from './http-api';

/**
 * The payment provider's callback, as order-service receives it and the simulated provider
 * (tools/payments) sends it. The signature is Stripe's scheme: HMAC-SHA256 with the shared
 * webhook secret over `<unix seconds>.<raw body>`, sent as `payment-signature: t=<unix>,v1=<hex>`
 * (several v1 while a secret rotates). Signing the raw bytes, not a re-serialised object, is what
 * makes the check independent of JSON formatting; the timestamp inside the MAC bounds replays.
 */
export const PAYMENT_SIGNATURE_HEADER = 'payment-signature';

/** A callback signed longer ago than this (or this far in the future) is refused as stale. */
export const PAYMENT_SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The webhook secret of local runs and tests, shared by order-service's development default and
 * the simulated provider. It is in the repository, so every app refuses it outside development.
 */
export const DEVELOPMENT_PAYMENT_WEBHOOK_SECRET = 'local-dev-payment-webhook-secret-change-me-0123456789';

const MAC_HEX = /^[0-9a-f]{64}$/;

function macOf(secret: string, timestamp: number, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The `payment-signature` header value for `rawBody` signed with `secret` at `timestamp` (unix seconds). */
export function signPaymentCallback(
  secret: string,
  rawBody: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${macOf(secret, timestamp, rawBody).toString('hex')}`;
}

/** Why a callback's signature was refused; `undefined` from verify means it holds. */
export type PaymentSignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

/**
 * Checks a `payment-signature` header against the raw body: well-formed, signed within
 * `toleranceSeconds` of `nowSeconds`, and one v1 MAC equal to ours (compared in constant time).
 * Answers what is wrong, or undefined when the signature holds.
 */
export function verifyPaymentSignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secret: string,
  { nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = PAYMENT_SIGNATURE_TOLERANCE_SECONDS } = {},
): PaymentSignatureProblem | undefined {
  if (header === undefined || header === '') return 'missing';
  let timestamp: number | undefined;
  const macs: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && MAC_HEX.test(value)) macs.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || macs.length === 0) return 'malformed';
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return 'stale';
  const expected = macOf(secret, timestamp, rawBody);
  // Every candidate is compared, so the time taken does not say which one (or whether any) matched.
  let matched = false;
  for (const mac of macs) matched = timingSafeEqual(mac, expected) || matched;
  return matched ? undefined : 'mismatch';
}

/**
 * The body of a callback: the provider's event id (what makes a redelivery recognisable), and the
 * payment it reports. Loose objects: a provider adds fields without asking, and we read only ours.
 */
export const paymentCallbackSchema = z.object({
  id: text({ max: 128 }).describe('the provider’s event id; a redelivered callback carries the same'),
  type: z.literal('payment.succeeded'),
  data: z.object({
    orderId: z.uuid(),
    paymentId: text({ max: 128 }).describe('the provider’s payment id, recorded as the payment reference'),
    amountMinor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code of three uppercase letters'),
  }),
});
export type PaymentCallback = z.infer<typeof paymentCallbackSchema>;

/** order-service's payment callback, behind the gateway's public `/payments/callbacks` route. */
export const paymentsHttpApi: HttpApiSpec = {
  prefix: '/payments/callbacks',
  operations: [
    {
      method: 'POST',
      path: '/payments/callbacks',
      operationId: 'receivePaymentCallback',
      summary: 'The payment provider reports a payment (signed; no access token)',
      body: paymentCallbackSchema,
      headers: {
        'Payment-Signature': {
          description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the webhook secret',
          required: true,
        },
      },
      responses: {
        200: {
          description: 'recorded, or already recorded (a redelivery records nothing again)',
          body: z.object({ received: z.literal(true), duplicate: z.boolean() }),
        },
        400: { description: 'PAYMENT.INVALID_CALLBACK, with `errors`' },
        401: { description: 'PAYMENT.INVALID_SIGNATURE: missing, malformed, stale (> 5 min) or wrong' },
        404: { description: 'ORDER.NOT_FOUND' },
        409: {
          description:
            'ORDER.ALREADY_PAID (another payment), ORDER.INVALID_TRANSITION, ORDER.ALREADY_CANCELLED',
        },
        422: { description: 'ORDER.AMOUNT_MISMATCH, ORDER.CURRENCY_MISMATCH: not the order total' },
      },
    },
  ],
};

/** What the simulated provider reports: one successful payment of an order. */
export interface SimulatedPayment {
  orderId: string;
  amountMinor: number;
  currency: string;
  /** The provider's payment id; a fresh one by default. */
  paymentId?: string;
  /** The provider's event id; the same id again is a redelivery. A fresh one by default. */
  eventId?: string;
  /** Unix seconds of the signature; now by default (older than 5 minutes is refused). */
  timestamp?: number;
}

/**
 * The request the payment provider would send for `payment`, signed with `secret`: what the
 * simulated provider (tools/payments), the load generator and the tests POST to
 * `/payments/callbacks`. The body is returned as the exact string that was signed.
 */
export function paymentCallbackRequest(
  payment: SimulatedPayment,
  secret: string,
): { body: string; headers: Record<string, string>; callback: PaymentCallback } {
  const callback: PaymentCallback = {
    id: payment.eventId ?? `evt_${randomUUID()}`,
    type: 'payment.succeeded',
    data: {
      orderId: payment.orderId,
      paymentId: payment.paymentId ?? `pay_${randomUUID()}`,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
    },
  };
  const body = JSON.stringify(callback);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [PAYMENT_SIGNATURE_HEADER]: signPaymentCallback(secret, body, payment.timestamp),
    },
    callback,
  };
}
