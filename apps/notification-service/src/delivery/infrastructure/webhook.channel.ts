import { createHmac } from 'node:crypto';
import { ChannelDown, DeliveryRejected, type Delivery, type DeliveryChannel } from '../application/channel';

/** Headers of a webhook call; receivers verify `x-signature` before trusting the body. */
export const WebhookHeaders = {
  notificationId: 'x-notification-id',
  timestamp: 'x-signature-timestamp',
  signature: 'x-signature',
} as const;

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp (Unix seconds) is signed with the
 * body, so a receiver can refuse replays older than a few minutes.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Statuses that mean "not now" rather than "never". */
const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * POSTs each notification as JSON to one configured URL, signed, with a timeout. A 2xx accepts
 * it; 408/425/429, 5xx, a timeout or a network error are retried; any other status rejects it.
 * `x-notification-id` stays the same across retries, so receivers can drop duplicates.
 */
export class WebhookChannel implements DeliveryChannel {
  readonly name = 'webhook' as const;
  readonly needsRecipient = false;

  constructor(
    private readonly options: { url: string; secret: string; timeoutMs: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      id: delivery.notificationId,
      userId: delivery.userId,
      template: delivery.template,
      title: delivery.title,
      body: delivery.body,
      sourceEventId: delivery.sourceEventId,
      createdAt: delivery.createdAt.toISOString(),
      ...(delivery.recipient ? { email: delivery.recipient.email } : {}),
    });
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WebhookHeaders.notificationId]: delivery.notificationId,
          [WebhookHeaders.timestamp]: timestamp,
          [WebhookHeaders.signature]: webhookSignature(this.options.secret, timestamp, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } catch (error) {
      const reason =
        // A DOMException, which is not always an Error instance: compare by name.
        (error as { name?: unknown }).name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : describe(error);
      throw new ChannelDown(`webhook ${this.options.url}: ${reason}`, { cause: error });
    }
    // The body is not needed; reading it frees the connection for the next call.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const message = `webhook ${this.options.url} answered ${response.status}`;
    if (response.status >= 500 || RETRYABLE_STATUS.has(response.status)) throw new ChannelDown(message);
    throw new DeliveryRejected(message);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}
