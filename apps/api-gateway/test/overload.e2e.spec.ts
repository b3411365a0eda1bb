import { METRICS_REGISTRY } from '@platform/observability';
import { eventually } from '@platform/testing';
import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { Upstreams } from '../src/proxy/infrastructure/upstreams';
import {
  answerJson,
  connectRedis,
  deleteKeys,
  get,
  newSigningKey,
  rateLimitPrefix,
  signToken,
  startAuthUpstream,
  startGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
  type UpstreamHandler,
} from './gateway.spec-helper';

const MAX_IN_FLIGHT = 2;
const routes = JSON.stringify([
  { prefix: '/orders', upstream: 'orders', retries: 0, timeoutMs: 400 },
  { prefix: '/analytics', upstream: 'analytics', retries: 0 },
]);

describe('api-gateway under overload', () => {
  let redis: Redis;
  let token: string;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  let analytics: TestUpstream;
  let gateway: TestGateway;
  /** Answers of the orders upstream held back by `hold`, sent by `answerHeld`. */
  const held: (() => void)[] = [];
  const prefix = rateLimitPrefix();

  const hold: UpstreamHandler = (req, res, seen) => held.push(() => answerJson(req, res, seen));
  /** Sends the held answers, and answers at once from now on. */
  const answerHeld = () => {
    orders.handle = answerJson;
    for (const answer of held.splice(0)) answer();
  };
  const ordersBulkhead = () => gateway.app.get(Upstreams).get('orders').bulkhead;
  /** The client may read an answer just before the gateway's response closes: a short poll. */
  const expectEmpty = () =>
    eventually(() => expect(ordersBulkhead().current).toBe(0), { timeoutMs: 2_000, intervalMs: 20 });
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });

  /** Starts `count` requests to /orders that the upstream holds, and waits until it has them all. */
  async function fillOrders(count = MAX_IN_FLIGHT): Promise<Promise<Response>[]> {
    orders.handle = hold;
    const before = orders.seen.length;
    const pending = Array.from({ length: count }, () => call('/orders/slow'));
    await eventually(() => expect(orders.seen.length - before).toBe(count), { timeoutMs: 5_000 });
    return pending;
  }

  /** The value of a gateway series of one upstream, as Prometheus would scrape it. */
  async function metric(name: string, upstream: string): Promise<number> {
    const text = await gateway.app.get<Registry>(METRICS_REGISTRY).metrics();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{upstream="${upstream}"`));
    return Number(line?.split(' ').at(-1));
  }

  async function expectShed(res: Response) {
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, code: 'GATEWAY.OVERLOADED' });
  }

  beforeAll(async () => {
    redis = await connectRedis();
    const key = await newSigningKey();
    token = await signToken(key);
    auth = await startAuthUpstream([key]);
    orders = await startUpstream();
    analytics = await startUpstream();
    gateway = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      ANALYTICS_SERVICE_URL: analytics.url,
      GATEWAY_ROUTES: routes,
      GATEWAY_RATE_LIMIT_PREFIX: prefix,
      GATEWAY_UPSTREAM_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      GATEWAY_BREAKER_FAILURE_THRESHOLD: '3',
    });
  });

  afterEach(async () => {
    answerHeld();
    // Every test starts with the bulkhead empty, so that none depends on another's leftovers.
    await expectEmpty();
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([auth?.close(), orders?.close(), analytics?.close()]);
    await deleteKeys(redis, prefix);
    redis?.disconnect();
  });

  it('answers requests beyond the bound at once with 503 GATEWAY.OVERLOADED and Retry-After, while another upstream still answers 200', async () => {
    const shedBefore = await metric('gateway_shed_total', 'orders');
    const pending = await fillOrders();

    const started = performance.now();
    await expectShed(await call('/orders/more'));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(orders.seen).toHaveLength(MAX_IN_FLIGHT); // the shed request never went upstream
    expect((await call('/analytics/report')).status).toBe(200);
    expect(await metric('gateway_shed_total', 'orders')).toBe(shedBefore + 1);
    expect(await metric('gateway_shed_total', 'analytics')).toBe(0);
    expect(await metric('gateway_upstream_in_flight', 'orders')).toBe(MAX_IN_FLIGHT);
    expect(await metric('gateway_upstream_in_flight', 'analytics')).toBe(0);

    answerHeld();
    expect((await Promise.all(pending)).map((res) => res.status)).toEqual([200, 200]);
    expect((await call('/orders/after')).status).toBe(200);
    await eventually(async () => expect(await metric('gateway_upstream_in_flight', 'orders')).toBe(0), {
      timeoutMs: 2_000,
      intervalMs: 20,
    });
  });

  it('sheds before checking the token or the rate limit', async () => {
    const pending = await fillOrders();
    const res = await get(`${gateway.url}/orders/more`, 'not.a.token');
    // Neither the token (it would be 401) nor the rate limit (RateLimit-* headers) was looked at.
    expect(res.headers.get('ratelimit-limit')).toBeNull();
    await expectShed(res);
    answerHeld();
    await Promise.all(pending);
  });

  it('gives the slot back when a slow response ends, and when the upstream times out', async () => {
    const pending = await fillOrders();
    await expectShed(await call('/orders/more'));
    answerHeld();
    await Promise.all(pending);
    await expectEmpty();
    expect((await call('/orders/next')).status).toBe(200);

    orders.handle = () => undefined; // never answers: the route's 400 ms timeout ends each request
    const timedOut = await Promise.all([call('/orders/a'), call('/orders/b')]);
    expect(timedOut.map((res) => res.status)).toEqual([504, 504]);
    await expectEmpty();
  });

  it('gives the slot back when the client aborts its request', async () => {
    orders.handle = hold;
    const before = orders.seen.length;
    const clients = Array.from({ length: MAX_IN_FLIGHT }, () => new AbortController());
    const abandoned = clients.map((client) =>
      call('/orders/abandoned', { signal: client.signal }).catch((error: unknown) => error),
    );
    await eventually(() => expect(orders.seen.length - before).toBe(MAX_IN_FLIGHT), { timeoutMs: 5_000 });
    await expectShed(await call('/orders/more'));

    for (const client of clients) client.abort();
    await Promise.all(abandoned);
    await expectEmpty();
    answerHeld();
    expect((await call('/orders/next')).status).toBe(200);
  });

  it('does not count shed requests as failures of the upstream, so its circuit stays closed', async () => {
    const pending = await fillOrders();
    // More refusals than the breaker's threshold of 3 consecutive failures.
    for (let i = 0; i < 10; i += 1) await expectShed(await call('/orders/more'));
    expect(gateway.app.get(Upstreams).get('orders').breaker.current).toBe('closed');

    answerHeld();
    await Promise.all(pending);
    const after = await call('/orders/after');
    expect(after.status).toBe(200);
  });
});
