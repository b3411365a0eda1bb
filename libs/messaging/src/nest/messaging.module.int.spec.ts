import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { createEvent, type EventOf } from '@platform/contracts';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { Registry } from 'prom-client';
import { EventProducer } from '../producer/event-producer';
import { clientUnderTest, RuntimeHarness } from '../consumer/runtime-harness.spec-helper';
import { MessagingModule } from './messaging.module';
import type { KafkaContext } from './transport/kafka.context';
import { startConsumerGroups } from './transport/start-consumer-groups';

@Controller()
class WelcomeMailer {
  readonly welcomed: { userId: string; attempt: number }[] = [];

  @EventPattern('UserRegistered', { group: 'events' })
  async onUserRegistered(
    @Payload() event: EventOf<'UserRegistered'>,
    @Ctx() ctx: KafkaContext,
  ): Promise<void> {
    this.welcomed.push({ userId: event.payload.userId, attempt: ctx.attempt });
  }
}

/** A handler of the second group that holds every job until released. */
@Controller()
class SlowJobs {
  readonly started: string[] = [];
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  @EventPattern('NotificationRequested', { group: 'workers' })
  async onJob(@Payload() event: EventOf<'NotificationRequested'>): Promise<void> {
    this.started.push(event.payload.notificationId);
    await this.gate;
  }
}

describe(`MessagingModule (real Kafka, ${clientUnderTest})`, () => {
  const harness = new RuntimeHarness();

  beforeAll(() => harness.connect());
  afterAll(() => harness.close());

  it('runs @EventPattern handlers on typed events and stops with the app', async () => {
    const topic = await harness.topic('identity', 3);
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          clientId: 'messaging-module-int',
          brokers: [...infraEnv.kafkaBrokers],
          client: clientUnderTest,
          consumerGroups: [
            {
              name: 'events',
              groupId: uniqueName('welcome'),
              topics: [topic],
              consumer: { commitIntervalMs: 100 },
            },
          ],
          registry,
        }),
      ],
      controllers: [WelcomeMailer],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await startConsumerGroups(app);

    const event = createEvent({
      type: 'UserRegistered',
      aggregateId: 'user-1',
      aggregateVersion: 1,
      correlationId: 'req-1',
      causationId: null,
      payload: { userId: 'user-1', email: 'ada@example.com', registeredAt: new Date().toISOString() },
    });
    await app.get(EventProducer).publish(topic, [event]);

    const mailer = app.get(WelcomeMailer);
    await eventually(() => mailer.welcomed.length === 1, { timeoutMs: 20_000 });
    expect(mailer.welcomed).toEqual([{ userId: 'user-1', attempt: 1 }]);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      new RegExp(
        `messaging_messages_handled_total\\{topic="${topic}",group="[^"]+",type="UserRegistered"\\} 1`,
      ),
    );
    expect(metrics).toContain('messaging_messages_produced_total');

    await app.close();
  });

  it('runs each consumer group with its own handlers: a stuck group does not hold the other', async () => {
    const [identity, jobs] = await Promise.all([harness.topic('identity', 2), harness.topic('jobs', 2)]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          clientId: 'messaging-module-groups',
          brokers: [...infraEnv.kafkaBrokers],
          client: clientUnderTest,
          consumerGroups: [
            { name: 'events', groupId: uniqueName('events'), topics: [identity] },
            {
              name: 'workers',
              groupId: uniqueName('workers'),
              topics: [jobs],
              consumer: { commitIntervalMs: 100 },
            },
          ],
          registry: new Registry(),
        }),
      ],
      controllers: [WelcomeMailer, SlowJobs],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await startConsumerGroups(app);
    expect(app.getMicroservices()).toHaveLength(2);
    const producer = app.get(EventProducer);
    const slow = app.get(SlowJobs);
    const mailer = app.get(WelcomeMailer);

    const job = createEvent({
      type: 'NotificationRequested',
      aggregateId: 'user-2',
      aggregateVersion: 1,
      correlationId: 'req-2',
      causationId: null,
      payload: {
        notificationId: 'n-1',
        userId: 'user-2',
        channel: 'email',
        template: 'welcome',
        data: {},
        sourceEventId: 'e-1',
      },
    });
    await producer.publish(jobs, [job]);
    await eventually(() => slow.started.length === 1, { timeoutMs: 20_000 });

    const registered = createEvent({
      type: 'UserRegistered',
      aggregateId: 'user-2',
      aggregateVersion: 1,
      correlationId: 'req-3',
      causationId: null,
      payload: { userId: 'user-2', email: 'grace@example.com', registeredAt: new Date().toISOString() },
    });
    await producer.publish(identity, [registered]);
    await eventually(() => mailer.welcomed.length === 1, { timeoutMs: 20_000 });
    // Each group ran only its own handlers.
    expect(slow.started).toEqual(['n-1']);
    expect(mailer.welcomed).toEqual([{ userId: 'user-2', attempt: 1 }]);

    slow.release();
    await app.close();
  });
});
