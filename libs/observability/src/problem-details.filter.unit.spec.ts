import { Body, Controller, Get, NotFoundException, Post, type ArgumentsHost } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ObservabilityModule } from './observability.module';
import { dependencyUnavailable } from './problem';
import { createLogger } from './logger';
import { ProblemDetailsFilter } from './problem-details.filter';

class OrderAlreadyShipped extends Error {
  readonly code = 'ORDER.ALREADY_SHIPPED';
}

class StoreDown extends Error {}

@Controller('things')
class ThingsController {
  @Get('missing')
  missing(): never {
    throw new NotFoundException('no thing 42');
  }

  @Get('shipped')
  shipped(): never {
    throw new OrderAlreadyShipped('order 7 was shipped yesterday');
  }

  @Get('store-down')
  storeDown(): never {
    throw new StoreDown('connect ECONNREFUSED 127.0.0.1:5432');
  }

  @Get('bug')
  bug(): never {
    throw new Error('connection string postgres://secret@db leaked?');
  }

  @Post()
  create(@Body() body: unknown): unknown {
    return body;
  }
}

describe('ProblemDetailsFilter', () => {
  async function app() {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({
          serviceName: 'test',
          logLevel: 'silent',
          mapError: (error) => {
            if (error instanceof StoreDown) return dependencyUnavailable('the thing store', 2);
            return error instanceof OrderAlreadyShipped
              ? { status: 409, title: 'Conflict', code: error.code, detail: error.message }
              : undefined;
          },
        }),
      ],
      controllers: [ThingsController],
    }).compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    nest.useBodyParser('json', { limit: '1kb' });
    await nest.init();
    return nest;
  }

  it('answers Nest HTTP errors as problem+json with the request path and a trace id', async () => {
    const nest = await app();
    const res = await request(nest.getHttpServer()).get('/things/missing').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'no thing 42',
      instance: '/things/missing',
    });
    expect(res.body.correlationId).toEqual(res.headers['x-correlation-id']);
    await nest.close();
  });

  it("maps the app's own errors through mapError, with a stable code", async () => {
    const nest = await app();
    const res = await request(nest.getHttpServer()).get('/things/shipped').expect(409);
    expect(res.body).toMatchObject({
      type: 'urn:problem:ORDER.ALREADY_SHIPPED',
      code: 'ORDER.ALREADY_SHIPPED',
      status: 409,
    });
    await nest.close();
  });

  it('answers an unreachable store with 503 and Retry-After, not 500', async () => {
    const nest = await app();
    const res = await request(nest.getHttpServer()).get('/things/store-down').expect(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({
      status: 503,
      code: 'SERVICE.DEPENDENCY_UNAVAILABLE',
      detail: 'the thing store is unreachable right now; retry shortly',
    });
    expect(JSON.stringify(res.body)).not.toContain('5432');
    await nest.close();
  });

  it('never leaks the cause of a 500', async () => {
    const nest = await app();
    const res = await request(nest.getHttpServer()).get('/things/bug').expect(500);
    expect(res.body).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(JSON.stringify(res.body)).not.toContain('postgres://');
    await nest.close();
  });

  it('answers malformed JSON with 400 and an oversized body with 413, never 500', async () => {
    const nest = await app();
    const server = nest.getHttpServer();
    const bad = await request(server)
      .post('/things')
      .set('content-type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(bad.body).toMatchObject({ status: 400, title: 'Bad Request' });
    const big = await request(server)
      .post('/things')
      .send({ pad: 'x'.repeat(5_000) })
      .expect(413);
    expect(big.body).toMatchObject({ status: 413, title: 'Payload Too Large' });
    await nest.close();
  });

  it('rethrows errors outside HTTP as they are, so a consumer group sees their class', () => {
    const filter = new ProblemDetailsFilter(createLogger({ serviceName: 'test', level: 'silent' }), {
      serviceName: 'test',
    });
    const rpcHost = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const error = new OrderAlreadyShipped('order 7 was shipped yesterday');
    expect(() => filter.catch(error, rpcHost)).toThrow(error);
  });
});
