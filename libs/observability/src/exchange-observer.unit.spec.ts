import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import request from 'supertest';
import { CORRELATION_ID_HEADER } from './correlation';
import { ExchangeObserver } from './exchange-observer';
import type { HttpRequest } from './http-exchange';
import { createLogger } from './logger';
import { METRICS_REGISTRY } from './metrics';
import { ObservabilityModule } from './observability.module';

@Controller('things')
class ThingsController {
  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

class Refused extends Error {}

describe('ExchangeObserver, for a handler mounted before Nest', () => {
  let app: INestApplication;
  let lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    serviceName: 'plain-service',
    level: 'debug',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });

  beforeEach(async () => {
    lines = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({
          serviceName: 'plain-service',
          logger,
          mapError: (error) =>
            error instanceof Refused
              ? { status: 429, title: 'Too Many Requests', code: 'PLAIN.REFUSED' }
              : undefined,
        }),
        ThingsModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const observer = app.get(ExchangeObserver);
    // What the gateway does: a plain Express middleware for its own paths, Nest for the rest.
    app.use((req: HttpRequest, res: ServerResponse, next: () => void) => {
      if (!req.url?.startsWith('/plain/')) return next();
      req.routeLabel = '/plain';
      observer.run(req, res, async () => {
        if (req.url === '/plain/refused') throw new Refused('no');
        if (req.url === '/plain/broken') throw new Error('boom');
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
      });
    });
    await app.init();
  });

  afterEach(() => app.close());

  const http = () => request(app.getHttpServer());
  const requestLines = () => lines.filter((line) => line['msg'] === 'request completed');

  it('logs the request line pino-http writes for a Nest route, field for field', async () => {
    await http().get('/things/1').set('authorization', 'Bearer secret').expect(200);
    await http().get('/plain/1').set('authorization', 'Bearer secret').expect(200);
    const [nest, plain] = requestLines();
    expect(Object.keys(plain as object).sort()).toEqual(Object.keys(nest as object).sort());
    expect(plain).toEqual(
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        route: '/plain',
        path: '/plain/1',
        status_code: 200,
        duration_ms: expect.any(Number),
        req: { headers: expect.objectContaining({ authorization: '[REDACTED]' }) },
      }),
    );
  });

  it("echoes the caller's correlation id and logs it on the request line", async () => {
    const res = await http().get('/plain/1').set(CORRELATION_ID_HEADER, 'plain-abc-1').expect(200);
    expect(res.headers[CORRELATION_ID_HEADER]).toBe('plain-abc-1');
    expect(requestLines()).toEqual([expect.objectContaining({ correlation_id: 'plain-abc-1' })]);
  });

  it('counts the request in the HTTP metrics under its route label', async () => {
    await http().get('/plain/1').expect(200);
    await http().get('/plain/2').expect(200);
    const text = await app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(text).toContain(
      'http_requests_total{method="GET",route="/plain",status_code="200",service="plain-service"} 2',
    );
  });

  it("answers a handler's error as problem+json, mapped by the app, with the correlation id", async () => {
    const res = await http().get('/plain/refused').set(CORRELATION_ID_HEADER, 'plain-abc-2').expect(429);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      status: 429,
      code: 'PLAIN.REFUSED',
      instance: '/plain/refused',
      correlationId: 'plain-abc-2',
    });
  });

  it('answers an unexpected error 500 without its cause, and logs the cause once', async () => {
    const res = await http().get('/plain/broken').expect(500);
    expect(JSON.stringify(res.body)).not.toContain('boom');
    expect(lines.filter((line) => line['msg'] === 'request failed')).toHaveLength(1);
    expect(requestLines()).toEqual([expect.objectContaining({ status_code: 500, level: 'error' })]);
  });
});
