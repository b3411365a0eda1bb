// Steady customer traffic through the gateway while a fault is injected: every story places an
// order and confirms it (and, with `fulfil`, has it paid by a signed provider callback and
// shipped), each request with its own Idempotency-Key, retried with that same key while the answer
// says "try again" (no answer, 429, 502, 503, 504), as a well-behaved client does.
import { paymentCallbackRequest } from '@platform/contracts';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CallInit, User } from '../whole-system.spec-helper';

type Call = (path: string, init?: CallInit) => Promise<Response>;

/** Answers after which the same request, with the same key, may be sent again. */
const RETRYABLE = new Set([0, 429, 502, 503, 504]);

/** Bounds of the load; times in milliseconds. */
export interface SteadyLoadOptions {
  /** Stories (place + confirm) started per second. */
  ratePerSecond: number;
  /** How long one request is retried before the story counts as failed. */
  retryBudgetMs?: number;
  /** One attempt's bound: an answer slower than this counts as no answer. */
  attemptTimeoutMs?: number;
  /**
   * Go on after the confirmation: the payment provider's callback, signed with this secret (the
   * order-service's PAYMENT_WEBHOOK_SECRET), then staff ship. Without it a story ends confirmed.
   */
  fulfil?: { paymentSecret: string };
}

/** FAULT-1's price in order-service's seeded catalog; the provider reports what it charged. */
const FAULT_PRICE_MINOR = 1_250;

/** What one request went through: its first answer, its last, and how often it was sent. */
interface RequestOutcome {
  first: number;
  last: number;
  attempts: number;
  ms: number;
}

/** One story's result: the order the gateway acknowledged, if it did, and whether it was confirmed. */
export interface StoryOutcome {
  key: string;
  customer: string;
  orderId: string | null;
  /** When the gateway acknowledged the order (epoch ms): what a region failover's RPO is measured against. */
  acknowledgedAt: number | null;
  confirmed: boolean;
  /** With `fulfil`: the order was paid and shipped. */
  shipped: boolean;
  requests: RequestOutcome[];
}

/** The load's figures, for a scenario's report and assertions. */
export interface LoadSummary {
  stories: number;
  acceptedOrders: number;
  confirmedOrders: number;
  shippedOrders: number;
  requests: number;
  /** Requests whose first answer was not a success (they were retried). */
  firstTryFailures: number;
  /** Requests that never succeeded within the retry budget: the figure that must be zero. */
  failedRequests: number;
  /** Every answer seen, by status (0 = no answer), including the ones retried. */
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

/** Runs stories at a fixed rate until stopped; `stop()` waits for the ones in flight. */
export class SteadyLoad {
  private readonly stories: StoryOutcome[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly statuses = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private next = 0;

  constructor(
    private readonly call: Call,
    private readonly customers: readonly User[],
    private readonly options: SteadyLoadOptions,
  ) {}

  /** Starts (or resumes) the stories at the configured rate. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.launch(), 1_000 / this.options.ratePerSecond);
  }

  /** Stops starting stories and waits for every one in flight to finish or give up. */
  async stop(): Promise<LoadSummary> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    return this.summary();
  }

  /** Every story so far (the accounting checks their orders in the stores). */
  outcomes(): readonly StoryOutcome[] {
    return this.stories;
  }

  summary(): LoadSummary {
    const requests = this.stories.flatMap((s) => s.requests);
    const ms = requests.map((r) => r.ms).sort((a, b) => a - b);
    const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0);
    return {
      stories: this.stories.length,
      acceptedOrders: this.stories.filter((s) => s.orderId).length,
      confirmedOrders: this.stories.filter((s) => s.confirmed).length,
      shippedOrders: this.stories.filter((s) => s.shipped).length,
      requests: requests.length,
      firstTryFailures: requests.filter((r) => !ok(r.first)).length,
      failedRequests: requests.filter((r) => !ok(r.last)).length,
      statuses: Object.fromEntries([...this.statuses].sort(([a], [b]) => a - b)),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
    };
  }

  private launch(): void {
    const customer = this.customers[this.next++ % this.customers.length] as User;
    const story: StoryOutcome = {
      key: randomUUID(),
      customer: customer.userId,
      orderId: null,
      acknowledgedAt: null,
      confirmed: false,
      shipped: false,
      requests: [],
    };
    this.stories.push(story);
    const run = this.play(story, customer).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async play(story: StoryOutcome, customer: User): Promise<void> {
    const quantity = 1 + (this.stories.length % 3);
    const placed = await this.send(story, '/orders', customer.token, story.key, {
      lines: [{ sku: 'FAULT-1', quantity }],
    });
    if (placed.status !== 201) return;
    const orderId = (placed.body as { id: string }).id;
    story.orderId = orderId;
    story.acknowledgedAt = Date.now();
    const confirmed = await this.send(story, `/orders/${orderId}/confirm`, customer.token, randomUUID(), {});
    story.confirmed = confirmed.status === 200;
    const { fulfil } = this.options;
    if (!story.confirmed || !fulfil) return;
    // The provider has no token and no Idempotency-Key: its callback's id makes a resend harmless.
    const payment = paymentCallbackRequest(
      { orderId, amountMinor: quantity * FAULT_PRICE_MINOR, currency: 'EUR' },
      fulfil.paymentSecret,
    );
    const paid = await this.send(
      story,
      '/payments/callbacks',
      undefined,
      undefined,
      payment.callback,
      payment.headers,
    );
    if (paid.status !== 200) return;
    const shipped = await this.send(story, `/orders/${orderId}/ship`, customer.token, randomUUID(), {
      carrier: 'DHL',
    });
    story.shipped = shipped.status === 200;
  }

  /** POSTs with one key until a final answer or the retry budget is spent. */
  private async send(
    story: StoryOutcome,
    path: string,
    token: string | undefined,
    key: string | undefined,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const { retryBudgetMs = 120_000, attemptTimeoutMs = 10_000 } = this.options;
    const started = performance.now();
    const deadline = Date.now() + retryBudgetMs;
    const outcome: RequestOutcome = { first: -1, last: -1, attempts: 0, ms: 0 };
    story.requests.push(outcome);
    for (let backoffMs = 100; ; backoffMs = Math.min(backoffMs * 2, 2_000)) {
      const answer = await this.attempt(
        path,
        token,
        { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
        body,
        attemptTimeoutMs,
      );
      outcome.attempts += 1;
      if (outcome.first === -1) outcome.first = answer.status;
      outcome.last = answer.status;
      this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
      if (!RETRYABLE.has(answer.status) || Date.now() + backoffMs > deadline) {
        outcome.ms = performance.now() - started;
        return answer;
      }
      await delay(backoffMs * (0.5 + Math.random()));
    }
  }

  private async attempt(
    path: string,
    token: string | undefined,
    headers: Record<string, string>,
    body: unknown,
    timeoutMs: number,
  ) {
    try {
      const res = await this.call(path, {
        method: 'POST',
        token,
        body,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
    } catch {
      return { status: 0, body: null }; // refused, reset or timed out: no answer
    }
  }
}

const ok = (status: number) => status >= 200 && status < 300;
