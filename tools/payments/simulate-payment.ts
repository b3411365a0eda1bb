/**
 * The simulated payment provider of development: it reports that an order was paid, as the real
 * provider would, with a callback signed by the webhook secret, to the gateway's public
 * `/payments/callbacks`. The signed request itself is `paymentCallbackRequest` of
 * @platform/contracts, which the tests and the load generator use too.
 *
 *   npm run payments:simulate -- <orderId>                    # the order's total, read with ACCESS_TOKEN
 *   npm run payments:simulate -- <orderId> 2500 EUR           # an amount of your choice
 *   npm run payments:simulate -- <orderId> 2500 EUR --replay  # the same callback twice: recorded once
 *
 * Environment: GATEWAY_URL (default http://127.0.0.1:3000), PAYMENT_WEBHOOK_SECRET (default the
 * development secret order-service also uses under NODE_ENV=development), ACCESS_TOKEN (a token
 * of the order's customer or of staff, to read the total when no amount is given).
 */
import {
  DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
  paymentCallbackRequest,
  type SimulatedPayment,
} from '@platform/contracts';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

/** Posts the signed callback of `payment` to `gatewayUrl` and answers the status and body. */
export async function simulatePayment(
  gatewayUrl: string,
  payment: SimulatedPayment,
  secret = DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
): Promise<{ status: number; body: string; eventId: string }> {
  const signed = paymentCallbackRequest(payment, secret);
  const res = await fetch(new URL('/payments/callbacks', gatewayUrl), {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  return { status: res.status, body: await res.text(), eventId: signed.callback.id };
}

async function totalOf(
  gatewayUrl: string,
  orderId: string,
): Promise<{ amountMinor: number; currency: string }> {
  const token = process.env['ACCESS_TOKEN'];
  if (!token) throw new Error('give the amount and currency, or ACCESS_TOKEN to read the order total');
  const res = await fetch(new URL(`/orders/${encodeURIComponent(orderId)}`, gatewayUrl), {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET /orders/${orderId}: ${res.status} ${await res.text()}`);
  const order = (await res.json()) as { totalMinor: number; currency: string };
  return { amountMinor: order.totalMinor, currency: order.currency };
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { replay: { type: 'boolean', default: false } },
  });
  const [orderId, amount, currency = 'EUR'] = positionals;
  if (!orderId) {
    console.error('usage: npm run payments:simulate -- <orderId> [amountMinor [currency]] [--replay]');
    return 2;
  }
  const gatewayUrl = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000';
  const secret = process.env['PAYMENT_WEBHOOK_SECRET'] || DEVELOPMENT_PAYMENT_WEBHOOK_SECRET;
  const paid =
    amount === undefined ? await totalOf(gatewayUrl, orderId) : { amountMinor: Number(amount), currency };
  const payment: SimulatedPayment = {
    orderId,
    ...paid,
    paymentId: `pay_${randomUUID()}`,
    eventId: `evt_${randomUUID()}`,
  };
  const first = await simulatePayment(gatewayUrl, payment, secret);
  console.log(`callback ${first.eventId}: ${first.status} ${first.body}`);
  if (values.replay) {
    const again = await simulatePayment(gatewayUrl, payment, secret);
    console.log(`redelivered ${again.eventId}: ${again.status} ${again.body}`);
  }
  return first.status === 200 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
