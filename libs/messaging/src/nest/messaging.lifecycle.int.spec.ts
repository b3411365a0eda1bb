import { Controller, type INestApplication } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { createEvent, type EventOf } from '@platform/contracts';
import { ObservabilityModule } from '@platform/observability';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { Registry } from 'prom-client';
import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';
import { clientUnderTest, RuntimeHarness } from '../consumer/runtime-harness.spec-helper';
import { MessagingModule } from './messaging.module';
import type { ConsumerGroupOptions, MessagingModuleOptions } from './messaging.options';
import { startConsumerGroups } from './transport/start-consumer-groups';

@Controller()
class Greeter {
  readonly greeted: string[] = [];

  @EventPattern('UserRegistered')
  async onUserRegistered(@Payload() event: EventOf<'UserRegistered'>): Promise<void> {
    this.greeted.push(event.payload.userId);
  }
}

/** `/health/ready`'s answer: its status and, when not ready, what each failed check said. */
async function readiness(
  app: INestApplication,
): Promise<{ status: number; messaging?: string; kafka?: string }> {
  const res = await request(app.getHttpServer()).get('/health/ready');
  const error = (res.body as { error?: Record<string, { message?: string }> }).error ?? {};
  return { status: res.status, messaging: error['messaging']?.message, kafka: error['kafka']?.message };
}

/** An app with messaging and the health endpoints, as main.ts boots one (minus listening). */
async function boot(
  options: Partial<MessagingModuleOptions>,
  group: Pick<ConsumerGroupOptions, 'groupId' | 'topics'>,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      MessagingModule.forRoot({
        clientId: 'messaging-start-int',
        brokers: [...infraEnv.kafkaBrokers],
        client: clientUnderTest,
        registry: new Registry(),
        // Quick retries: the test waits for the topic, not for the backoff.
        startBackoff: { initialBackoffMs: 100, maxBackoffMs: 500 },
        consumerGroups: [{ name: 'greetings', ...group, consumer: { commitIntervalMs: 100 } }],
        ...options,
      }),
      ObservabilityModule.forRoot({
        serviceName: 'messaging-start-int',
        logLevel: 'silent',
        defaultMetrics: false,
      }),
    ],
    controllers: [Greeter],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await startConsumerGroups(app);
  return app;
}

const registered = (userId: string) =>
  createEvent({
    type: 'UserRegistered',
    aggregateId: userId,
    aggregateVersion: 1,
    correlationId: 'req-start',
    causationId: null,
    payload: { userId, email: `${userId}@example.com`, registeredAt: new Date().toISOString() },
  });

describe(`MessagingModule starting before the topics it reads exist (real Kafka, ${clientUnderTest})`, () => {
  const harness = new RuntimeHarness();

  beforeAll(() => harness.connect());
  afterAll(() => harness.close());

  it('starts, says it waits for the topics, and consumes once their owner creates them', async () => {
    const topic = uniqueName('late');
    const app = await boot({}, { groupId: uniqueName('late_group'), topics: [topic] });
    try {
      // Not started, not exited: ready says what it waits for.
      expect(await readiness(app)).toEqual({
        status: 503,
        messaging: expect.stringContaining(`waiting for topics: ${topic}, ${topic}.retry`),
        kafka: undefined,
      });

      await harness.createTopic(topic, 3);
      await harness.producer.publish(topic, [registered('user-late')]);

      const greeter = app.get(Greeter);
      await eventually(() => greeter.greeted.includes('user-late'), { timeoutMs: 30_000 });
      await eventually(async () => expect(await readiness(app)).toEqual({ status: 200 }), {
        timeoutMs: 10_000,
      });
    } finally {
      await app.close();
    }
  });

  it('starts while no broker answers, says so, and stops at once when closed', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const app = await boot(
      {
        brokers: [`127.0.0.1:${closedPort}`],
        // The first attempt (kafkajs's own connection retries, about 10 s) fails within init; the
        // app is then in its wait before the next one when it is closed.
        startBackoff: { initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      },
      { groupId: uniqueName('nobroker_group'), topics: [uniqueName('nobroker')] },
    );
    try {
      const { status, messaging } = await readiness(app);
      expect(status).toBe(503);
      expect(messaging).toMatch(/^producer: .*ECONNREFUSED.*\(attempt \d+, retrying with backoff\)/);
    } finally {
      const closing = Date.now();
      await app.close();
      // The wait for the broker ends at once: a process told to stop does not sit out its backoff.
      expect(Date.now() - closing).toBeLessThan(5_000);
    }
  }, 60_000);
});
