import { eventually } from '@platform/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { startOtlpCollector } from './test-fixtures/otlp-collector';

// The app runs as a real Node process: auto-instrumentation hooks Node's require, which Jest's
// module loader bypasses, so only a process shows what an app's instrument.ts + main.ts give.
const WORKSPACE = join(__dirname, '../../..');
const MAIN = join(__dirname, 'test-fixtures/http-app.main.ts');

type LogLine = Record<string, unknown> & { msg?: string };

/** Waits for the first log line with this message. */
function lineWith(lines: LogLine[], msg: string, timeoutMs = 5_000): Promise<LogLine> {
  return eventually(
    () => {
      const line = lines.find((candidate) => candidate.msg === msg);
      if (!line) throw new Error(`no log line "${msg}" yet`);
      return line;
    },
    { timeoutMs, intervalMs: 20 },
  );
}

function startApp(env: Record<string, string>): {
  child: ChildProcess;
  lines: LogLine[];
  exited: Promise<number | null>;
} {
  const lines: LogLine[] = [];
  const child = spawn(process.execPath, ['-r', 'ts-node/register', MAIN], {
    cwd: WORKSPACE,
    env: {
      ...process.env,
      TS_NODE_PROJECT: join(__dirname, '../tsconfig.spec.json'),
      TS_NODE_TRANSPILE_ONLY: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString()).split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('an app booted by instrument.ts + bootstrapHttpApp', () => {
  it('listens on loopback only by default and serves /metrics on its metrics port, not the public one', async () => {
    const app = startApp({ PORT: '0', METRICS_PORT: '0' });
    try {
      const listening = await lineWith(app.lines, 'http server listening', 20_000);
      const metrics = await lineWith(app.lines, 'metrics server listening');
      expect(listening['host']).toBe('127.0.0.1');
      expect(metrics['host']).toBe('127.0.0.1');
      expect(metrics['port']).not.toBe(listening['port']);

      expect((await fetch(`http://127.0.0.1:${listening['port']}/metrics`)).status).toBe(404);
      const scrape = await fetch(`http://127.0.0.1:${metrics['port']}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('process_cpu_user_seconds_total{service="fixture-service"}');
      // The metrics port serves nothing of the app.
      expect((await fetch(`http://127.0.0.1:${metrics['port']}/health/ready`)).status).toBe(404);
    } finally {
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    }
  });

  it('traces, logs and measures requests, then drains and flushes on SIGTERM', async () => {
    const collector = await startOtlpCollector();
    const app = startApp({
      PORT: '0',
      DRAIN_DELAY_MS: '300',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    });
    try {
      const listening = await lineWith(app.lines, 'http server listening', 20_000);
      const base = `http://127.0.0.1:${listening['port']}`;
      const metricsPort = (await lineWith(app.lines, 'metrics server listening'))['port'];

      // A request that continues a caller's trace and correlation id.
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const res = await fetch(`${base}/things/42`, {
        headers: {
          traceparent: `00-${traceId}-b7ad6b7169203331-01`,
          'x-correlation-id': 'corr-int-1',
          authorization: 'Bearer int-secret-token',
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-correlation-id')).toBe('corr-int-1');
      expect(((await res.json()) as { outgoing: { traceparent: string } }).outgoing.traceparent).toMatch(
        new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`),
      );
      expect(await (await fetch(`${base}/health/ready`)).json()).toMatchObject({
        info: { database: { status: 'up' } },
      });
      expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain(
        'http_requests_total{method="GET",route="/things/:id",status_code="200",service="fixture-service"} 1',
      );

      // SIGTERM while a request is in flight: readiness fails at once, the request still completes.
      const inFlight = fetch(`${base}/things/slow/600`);
      await lineWith(app.lines, 'slow request started');
      app.child.kill('SIGTERM');
      await eventually(async () => (await fetch(`${base}/health/ready`)).status === 503, {
        timeoutMs: 2_000,
        intervalMs: 20,
      });
      expect((await inFlight).status).toBe(200);
      expect(await app.exited).toBe(0);

      const request = app.lines.find(
        (line) => line.msg === 'request completed' && line['path'] === '/things/42',
      );
      expect(request).toMatchObject({
        service: 'fixture-service',
        route: '/things/:id',
        status_code: 200,
        correlation_id: 'corr-int-1',
        trace_id: traceId,
        req: { headers: { authorization: '[REDACTED]' } },
      });
      expect(JSON.stringify(app.lines)).not.toContain('int-secret-token');
      expect(app.lines.find((line) => line.msg === 'thing found')).toMatchObject({
        trace_id: traceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        correlation_id: 'corr-int-1',
      });
      const order = ['shutting down', 'shut down'].map((msg) =>
        app.lines.findIndex((line) => line.msg === msg),
      );
      expect(order[0]).toBeGreaterThanOrEqual(0);
      expect(order[1]).toBeGreaterThan(order[0]);

      // Flushed before exit: the server span, and Nest's handler span, which exists only if
      // @nestjs/core loaded after startTracing() hooked it.
      const spansOfRequest = collector.spans.filter((span) => span.traceId === traceId);
      expect(spansOfRequest).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            path: '/v1/traces',
            service: 'fixture-service',
            name: 'GET /things/:id',
          }),
          expect.objectContaining({
            scope: '@opentelemetry/instrumentation-nestjs-core',
            name: 'ThingsController.find',
          }),
        ]),
      );
      // The request line names the request's own span: the server span of the HTTP call.
      const serverSpan = spansOfRequest.find((span) => span.name === 'GET /things/:id');
      expect(serverSpan?.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(request?.['span_id']).toBe(serverSpan?.spanId);
      // Probes and scrapes start no traces.
      expect(collector.spans.filter((span) => /health|metrics/.test(span.name))).toEqual([]);
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
      await collector.close();
    }
  });
});
