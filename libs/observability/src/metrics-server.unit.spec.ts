import { Counter, Registry } from 'prom-client';
import { type MetricsServer, startMetricsServer } from './metrics-server';

describe('startMetricsServer', () => {
  let registry: Registry;
  let server: MetricsServer;

  beforeEach(async () => {
    registry = new Registry();
    new Counter({ name: 'things_total', help: 'things', registers: [registry] }).inc(2);
    server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1' });
  });

  afterEach(() => server.close());

  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  it('serves the registry as Prometheus text on GET /metrics, on the port it picked for 0', async () => {
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(await res.text()).toContain('things_total 2');
  });

  it('answers 404 for any other path and 405 for another method', async () => {
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/health/ready'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
  });

  it('listens on the host it was given only', () => {
    expect(server.host).toBe('127.0.0.1');
  });

  it('closes while a scraper keeps its connection alive', async () => {
    await fetch(url('/metrics')).then((res) => res.text());
    await server.close();
    await expect(fetch(url('/metrics'))).rejects.toThrow();
    server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1' }); // for afterEach
  });
});
