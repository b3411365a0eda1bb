import { trace } from '@opentelemetry/api';
import { withCorrelationId } from './correlation';
import { createLogger } from './logger';
import { startTracing, type TracingHandle } from './tracing';

/** A pino destination that keeps every line, parsed. */
function captureLines() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => lines.push(JSON.parse(line)) } };
}

describe('createLogger', () => {
  let tracing: TracingHandle;
  beforeAll(() => {
    tracing = startTracing({ serviceName: 'logger-test' });
  });
  afterAll(() => tracing.shutdown());

  it('writes one JSON object per line with the service, a level word and an ISO time', () => {
    const { lines, destination } = captureLines();
    createLogger({ serviceName: 'order-service', destination }).info({ orderId: 'o-1' }, 'order placed');

    expect(lines).toEqual([
      expect.objectContaining({
        service: 'order-service',
        level: 'info',
        msg: 'order placed',
        orderId: 'o-1',
      }),
    ]);
    expect(new Date(lines[0]['time'] as string).toISOString()).toBe(lines[0]['time']);
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('correlation_id');
  });

  it('adds the correlation id to every line written inside withCorrelationId, even after an await', async () => {
    const { lines, destination } = captureLines();
    const logger = createLogger({ serviceName: 'order-service', destination });

    await withCorrelationId('corr-42', async () => {
      logger.info('before');
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('after');
    });
    logger.info('outside');

    expect(lines.map((line) => line['correlation_id'])).toEqual(['corr-42', 'corr-42', undefined]);
  });

  it('adds trace_id and span_id of the active span', () => {
    const { lines, destination } = captureLines();
    const logger = createLogger({ serviceName: 'order-service', destination });

    const ids = trace.getTracer('test').startActiveSpan('place order', (span) => {
      logger.info('inside a span');
      span.end();
      return span.spanContext();
    });

    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('redacts authorization headers, cookies and password fields at any usual depth', () => {
    const { lines, destination } = captureLines();
    const logger = createLogger({ serviceName: 'auth-service', destination, secretFields: ['pin'] });

    logger.info(
      {
        password: 'hunter2',
        body: { email: 'a@b.c', password: 'hunter2', pin: '1234' },
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', host: 'example' } },
        res: { headers: { 'set-cookie': 'sid=2' } },
      },
      'login attempt',
    );

    const line = JSON.stringify(lines[0]);
    expect(line).not.toMatch(/hunter2|Bearer abc|sid=1|sid=2|1234/);
    expect(lines[0]).toMatchObject({
      password: '[REDACTED]',
      body: { email: 'a@b.c', password: '[REDACTED]', pin: '[REDACTED]' },
      req: { headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', host: 'example' } },
      res: { headers: { 'set-cookie': '[REDACTED]' } },
    });
  });

  it('writes nothing below its level', () => {
    const { lines, destination } = captureLines();
    const logger = createLogger({ serviceName: 'order-service', level: 'warn', destination });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line['msg'])).toEqual(['loud']);
  });
});
