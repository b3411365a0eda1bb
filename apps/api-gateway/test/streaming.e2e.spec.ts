import { eventually } from '@platform/testing';
import type Redis from 'ioredis';
import { request } from 'node:http';
import {
  connectRedis,
  deleteKeys,
  newSigningKey,
  rateLimitPrefix,
  signToken,
  startAuthUpstream,
  startGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './gateway.spec-helper';

const MB = 1024 * 1024;
const routes = JSON.stringify([
  { prefix: '/orders/uploads', upstream: 'orders', maxBodyBytes: 32 * MB, timeoutMs: 30_000 },
  { prefix: '/orders', upstream: 'orders', maxBodyBytes: MB },
]);

/** Sends a chunked POST through node:http, writing each chunk after `before(i)` resolves. */
function chunkedPost(
  url: string,
  token: string,
  chunks: number,
  chunk: Buffer,
  before: (i: number) => Promise<unknown>,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // The gateway may answer (413) and close while we still write: that is the point, not a failure.
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    void (async () => {
      for (let i = 0; i < chunks && !req.destroyed; i += 1) {
        await before(i);
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

describe('api-gateway streaming and public surface', () => {
  let redis: Redis;
  let token: string;
  let auth: Awaited<ReturnType<typeof startAuthUpstream>>;
  let orders: TestUpstream;
  let gateway: TestGateway;
  const prefix = rateLimitPrefix();

  beforeAll(async () => {
    redis = await connectRedis();
    const key = await newSigningKey();
    token = await signToken(key);
    auth = await startAuthUpstream([key]);
    orders = await startUpstream();
    gateway = await startGateway({
      AUTH_SERVICE_URL: auth.url,
      ORDER_SERVICE_URL: orders.url,
      GATEWAY_ROUTES: routes,
      GATEWAY_RATE_LIMIT_PREFIX: prefix,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([auth?.close(), orders?.close()]);
    await deleteKeys(redis, prefix);
    redis?.disconnect();
  });

  it('streams a 20 MB upload to the upstream while the client is still sending', async () => {
    const chunk = Buffer.alloc(MB, 7);
    const res = await chunkedPost(`${gateway.url}/orders/uploads`, token, 20, chunk, async (i) => {
      // The second half is sent only once the upstream has the first MB: a buffering proxy would stall here.
      if (i === 10)
        await eventually(() => (orders.seen.at(-1)?.bytes ?? 0) >= MB, { timeoutMs: 5_000, intervalMs: 10 });
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, bytes: 20 * MB });
  });

  it('refuses a body whose declared length exceeds the route limit with 413, without calling the upstream', async () => {
    const calls = orders.seen.length;
    const res = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: Buffer.alloc(MB + 1),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'GATEWAY.BODY_TOO_LARGE' });
    expect(orders.seen).toHaveLength(calls);
  });

  it('cuts off a chunked body that grows past the route limit with 413', async () => {
    const res = await chunkedPost(
      `${gateway.url}/orders`,
      token,
      4,
      Buffer.alloc(512 * 1024),
      async () => undefined,
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'GATEWAY.BODY_TOO_LARGE' });
  });

  it('serves an OpenAPI document of every route with auth and problem responses, and Swagger UI', async () => {
    const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }
        >
      >;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{id}', '/orders/{id}/confirm', '/orders/uploads']),
    );
    expect(doc.paths['/orders']?.['post']?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/orders']?.['get']?.responses['401']?.content).toHaveProperty([
      'application/problem+json',
    ]);
    const ui = await fetch(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('sets security headers and sends no CORS headers unless origins are configured', async () => {
    const res = await fetch(`${gateway.url}/orders`, {
      headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 404 problem for paths no route claims and 400 for dot segments', async () => {
    expect((await fetch(`${gateway.url}/nowhere`)).status).toBe(404);
    // A raw path: URL parsing (fetch, request(url)) would resolve the dot segments before sending.
    const { port } = new URL(gateway.url);
    const path = '/orders/%2e%2e/admin';
    const status = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(400);
  });
});
