import {
  Body,
  Controller,
  Get,
  type INestApplication,
  Module,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { Counter, type Registry } from 'prom-client';
import request from 'supertest';
import { CORRELATION_ID_HEADER } from './correlation';
import { createLogger } from './logger';
import { METRICS_REGISTRY } from './metrics';
import { ObservabilityModule } from './observability.module';
import { ReadinessRegistry } from './readiness.registry';

@Controller('things')
class ThingsController {
  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new NotFoundException();
    if (id === 'explode') throw new Error('boom');
    return { id };
  }

  @Post()
  create(@Body() body: { name: string }): { created: boolean } {
    return { created: body.name !== '' };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('ObservabilityModule in an HTTP app', () => {
  let app: INestApplication;
  let lines: Record<string, unknown>[] = [];
  // One logger for the file: nestjs-pino keeps the first pino-http instance of the process.
  const logger = createLogger({
    serviceName: 'things-service',
    level: 'debug',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });

  beforeEach(async () => {
    lines = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'things-service', logger, readinessTimeoutMs: 200 }),
        ThingsModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.init();
  });

  afterEach(() => app.close());

  const http = () => request(app.getHttpServer());
  const readiness = () => app.get(ReadinessRegistry);

  it('answers /health/live with 200 without checking any dependency', async () => {
    readiness().register({ name: 'postgres', check: () => Promise.reject(new Error('connection refused')) });
    const res = await http().get('/health/live').expect(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('answers /health/ready with 200 while every check passes, and 503 naming the check that fails', async () => {
    let postgresUp = true;
    readiness().register({ name: 'redis', check: async () => 'PONG' });
    readiness().register({
      name: 'postgres',
      check: async () => {
        if (!postgresUp) throw new Error('connection refused');
      },
    });

    const ok = await http().get('/health/ready').expect(200);
    expect(ok.body).toMatchObject({
      status: 'ok',
      info: { redis: { status: 'up' }, postgres: { status: 'up' } },
    });

    postgresUp = false;
    const failed = await http().get('/health/ready').expect(503);
    expect(failed.body).toMatchObject({
      status: 'error',
      error: { postgres: { status: 'down', message: 'connection refused' } },
      info: { redis: { status: 'up' } },
    });
  });

  it('logs a readiness outage once when it starts and once when it ends, not on every probe', async () => {
    let postgresUp = false;
    readiness().register({
      name: 'postgres',
      check: async () => {
        if (!postgresUp) throw new Error('connection refused');
      },
    });

    await http().get('/health/ready').expect(503);
    await http().get('/health/ready').expect(503);
    postgresUp = true;
    await http().get('/health/ready').expect(200);

    const changes = lines.filter((line) => /^(not ready|ready again)/.test(String(line['msg'])));
    expect(changes).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'not ready: postgres' }),
      expect.objectContaining({ level: 'info', msg: 'ready again', recovered: ['postgres'] }),
    ]);
  });

  it('fails a readiness check that takes longer than its timeout', async () => {
    readiness().register({ name: 'kafka', check: () => new Promise(() => undefined), timeoutMs: 50 });
    const res = await http().get('/health/ready').expect(503);
    expect(res.body.error.kafka).toEqual(
      expect.objectContaining({ status: 'down', message: 'timed out after 50 ms' }),
    );
  });

  it('turns readiness false as soon as shutdown begins, while liveness stays up', async () => {
    readiness().markShuttingDown();
    const res = await http().get('/health/ready').expect(503);
    expect(res.body.error).toEqual({ shutdown: { status: 'down', message: 'shutting down' } });
    await http().get('/health/live').expect(200);
  });

  const metricsText = () => app.get<Registry>(METRICS_REGISTRY).metrics();

  it('does not serve /metrics on the public port: the metrics server of bootstrapHttpApp does', async () => {
    await http().get('/metrics').expect(404);
  });

  it('counts requests by route template, never by raw URL', async () => {
    await http().get('/things/42').expect(200);
    await http().get('/things/43').expect(200);
    await http().get('/things/missing').expect(404);
    await http().get('/no/such/route').expect(404);

    const text = await metricsText();
    expect(text).toContain(
      'http_requests_total{method="GET",route="/things/:id",status_code="200",service="things-service"} 2',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="/things/:id",status_code="404",service="things-service"} 1',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="unmatched",status_code="404",service="things-service"} 1',
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{.*route="\/things\/:id",status_code="200"\} 2/,
    );
    expect(text).not.toContain('/things/42');
    expect(text).toContain('process_cpu_user_seconds_total{service="things-service"}');
  });

  it('keeps metrics other modules register through the METRICS_REGISTRY token in the same registry', async () => {
    const registry = app.get<Registry>(METRICS_REGISTRY);
    new Counter({ name: 'kafka_messages_consumed_total', help: 'consumed', registers: [registry] }).inc(3);
    expect(await metricsText()).toContain('kafka_messages_consumed_total{service="things-service"} 3');
  });

  it("echoes the caller's correlation id and logs one line per request with it", async () => {
    const res = await http().get('/things/42').set(CORRELATION_ID_HEADER, 'req-abc-123').expect(200);
    expect(res.headers[CORRELATION_ID_HEADER]).toBe('req-abc-123');

    const requestLines = lines.filter((line) => line['msg'] === 'request completed');
    expect(requestLines).toEqual([
      expect.objectContaining({
        service: 'things-service',
        level: 'info',
        method: 'GET',
        route: '/things/:id',
        path: '/things/42',
        status_code: 200,
        duration_ms: expect.any(Number),
        correlation_id: 'req-abc-123',
      }),
    ]);
  });

  it('logs request headers with authorization and cookies redacted, and neither query nor body', async () => {
    await http()
      .post('/things?token=query-secret')
      .set('authorization', 'Bearer header-secret')
      .set('cookie', 'sid=cookie-secret')
      .send({ name: 'lamp', password: 'body-secret' })
      .expect(201);

    const requestLines = lines.filter((line) => line['msg'] === 'request completed');
    expect(requestLines).toEqual([
      expect.objectContaining({
        method: 'POST',
        route: '/things',
        path: '/things',
        status_code: 201,
        req: {
          headers: expect.objectContaining({
            authorization: '[REDACTED]',
            cookie: '[REDACTED]',
            'content-type': 'application/json',
          }),
        },
      }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret|lamp/);
    // The ids that tie a request's lines together are correlation_id and the trace's, not pino-http's.
    expect(requestLines[0]).not.toHaveProperty('reqId');
  });

  it('gives a request without an acceptable correlation id a new UUID', async () => {
    const missing = await http().get('/things/1').expect(200);
    const unacceptable = await http()
      .get('/things/1')
      .set(CORRELATION_ID_HEADER, 'x'.repeat(500))
      .expect(200);
    for (const res of [missing, unacceptable]) {
      expect(res.headers[CORRELATION_ID_HEADER]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('logs probes at debug, so that they do not drown the request log', async () => {
    await http().get('/health/live').expect(200);
    await http().get('/health/ready').expect(200);
    expect(lines.filter((line) => line['msg'] === 'request completed')).toEqual([
      expect.objectContaining({ route: '/health/live', level: 'debug' }),
      expect.objectContaining({ route: '/health/ready', level: 'debug' }),
    ]);
  });

  it('logs a server error at error level with the route', async () => {
    await http().get('/things/explode').expect(500);
    expect(lines.filter((line) => line['msg'] === 'request completed')).toEqual([
      expect.objectContaining({ route: '/things/:id', status_code: 500, level: 'error' }),
    ]);
  });

  it("sends Nest's own logs through pino as JSON, with their context, and without warnings", () => {
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        context: 'RouterExplorer',
        msg: expect.stringContaining('/things/:id'),
      }),
    );
    expect(lines.filter((line) => line['level'] === 'warn' || line['level'] === 'error')).toEqual([]);
  });
});
