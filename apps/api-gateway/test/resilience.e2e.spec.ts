import { METRICS_REGISTRY } from '@platform/observability';
import { eventually } from '@platform/testing';
import type { Registry } from 'prom-client';
import type Redis from 'ioredis';
import {
  answerJson,
  connectRedis,
  deleteKeys,
  get,
  newSigningKey,
  rateLimitPrefix,
  type SigningKey,
  signToken,
  startAuthUpstream,
  startGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './gateway.spec-helper';

const routes = JSON.stringify([
  { prefix: '/orders', upstream: 'orders', retries: 2, timeoutMs: 300 },
  { prefix: '/analytics', upstream: 'analytics', retries: 0, timeoutMs: 300 },
  { prefix: '/notifications', upstream: 'notifications', retries: 0 },
  { prefix: '/admin/dlq', upstream: 'dlq', roles: ['admin'], retries: 0 },
]);

describe('api-gateway resilience', () => {
  let redis: Redis;
  let key: SigningKey;
  let token: string;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  let analytics: TestUpstream;
  let dlq: TestUpstream;
  let adminToken: string;
  let gateway: TestGateway;
  const prefix = rateLimitPrefix();

  beforeAll(async () => {
    redis = await connectRedis();
    key = await newSigningKey();
    token = await signToken(key);
    auth = await startAuthUpstream([key]);
    orders = await startUpstream();
    analytics = await startUpstream();
    dlq = await startUpstream();
    adminToken = await signToken(key, { roles: ['admin'] });
    // notifications: a port nothing listens on (a server started and stopped).
    const gone = await startUpstream();
    await gone.close();
    gateway = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      ANALYTICS_SERVICE_URL: analytics.url,
      DLQ_SERVICE_URL: dlq.url,
      NOTIFICATION_SERVICE_URL: gone.url,
      GATEWAY_ROUTES: routes,
      GATEWAY_RATE_LIMIT_PREFIX: prefix,
      GATEWAY_BREAKER_FAILURE_THRESHOLD: '3',
      GATEWAY_BREAKER_OPEN_MS: '500',
    });
  });

  afterEach(() => {
    orders.handle = answerJson;
    analytics.handle = answerJson;
    orders.seen.length = 0;
    analytics.seen.length = 0;
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([auth?.close(), orders?.close(), analytics?.close(), dlq?.close()]);
    await deleteKeys(redis, prefix);
    redis?.disconnect();
  });

  it('answers 502 problem at once when the upstream is unreachable', async () => {
    const started = performance.now();
    const res = await get(`${gateway.url}/notifications`, token);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'GATEWAY.UPSTREAM_UNREACHABLE' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('answers 504 problem when the upstream is slower than the route timeout', async () => {
    analytics.handle = () => undefined; // never answers
    const started = performance.now();
    const res = await get(`${gateway.url}/analytics/report`, token);
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ code: 'GATEWAY.UPSTREAM_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(800);
  });

  it('retries a GET on a 503 from the upstream but never a POST', async () => {
    let calls = 0;
    orders.handle = (_req, res, seen) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(503).end();
        return;
      }
      answerJson(_req, res, seen);
    };
    expect((await get(`${gateway.url}/orders/1`, token)).status).toBe(200);
    expect(orders.seen.map((s) => s.method)).toEqual(['GET', 'GET']);

    orders.seen.length = 0;
    calls = 0;
    const post = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(post.status).toBe(503);
    expect(orders.seen.map((s) => s.method)).toEqual(['POST']);
  });

  it('replaces an upstream 5xx body that is not a problem, so no stack trace leaks', async () => {
    analytics.handle = (_req, res) =>
      res.writeHead(500, { 'content-type': 'text/html' }).end('<pre>Error: at secret.js:1</pre>');
    const res = await get(`${gateway.url}/analytics`, token);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret.js');
    expect(JSON.parse(text)).toMatchObject({ code: 'GATEWAY.UPSTREAM_FAILED' });
  });

  it('opens the circuit of a flapping upstream, refuses without calling it, and closes after a good probe', async () => {
    const call = () => get(`${gateway.url}/admin/dlq/messages`, adminToken);
    dlq.handle = (_req, res) =>
      res.writeHead(500, { 'content-type': 'application/problem+json' }).end('{"status":500}');
    for (let i = 0; i < 3; i += 1) expect((await call()).status).toBe(500);
    expect(dlq.seen).toHaveLength(3);

    const refused = await call();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'GATEWAY.CIRCUIT_OPEN' });
    expect(dlq.seen).toHaveLength(3);
    const metrics = await gateway.app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(metrics).toMatch(/gateway_circuit_state\{upstream="dlq",service="api-gateway"\} 2/);

    dlq.handle = answerJson;
    await eventually(async () => expect((await call()).status).toBe(200), {
      timeoutMs: 3_000,
      intervalMs: 50,
    });
    expect((await call()).status).toBe(200);
    expect(await gateway.app.get<Registry>(METRICS_REGISTRY).metrics()).toMatch(
      /gateway_circuit_state\{upstream="dlq",service="api-gateway"\} 0/,
    );
  });
});
