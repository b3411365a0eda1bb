import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createEvent, type EventOf } from '@platform/contracts';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { Registry } from 'prom-client';
import type { MessageContext } from '../consumer/handler';
import { EventProducer } from '../producer/event-producer';
import { clientUnderTest, RuntimeHarness } from '../consumer/runtime-harness.spec-helper';
import { HandleEvent } from './handle-event.decorator';
import { MessagingModule } from './messaging.module';

@Injectable()
class WelcomeMailer {
  readonly welcomed: { userId: string; attempt: number }[] = [];

  @HandleEvent('UserRegistered')
  async onUserRegistered(event: EventOf<'UserRegistered'>, ctx: MessageContext): Promise<void> {
    this.welcomed.push({ userId: event.payload.userId, attempt: ctx.attempt });
  }
}

/** A handler of the second group that holds every job until released. */
@Injectable()
class SlowJobs {
  readonly started: string[] = [];
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  @HandleEvent('NotificationRequested')
  async onJob(event: EventOf<'NotificationRequested'>): Promise<void> {
    this.started.push(event.payload.notificationId);
    await this.gate;
  }
}

describe(`MessagingModule (real Kafka, ${clientUnderTest})`, () => {
  const harness = new RuntimeHarness();

  beforeAll(() => harness.connect());
  afterAll(() => harness.close());

  it('runs @HandleEvent methods on typed events and stops with the app', async () => {
    const topic = await harness.topic('identity', 3);
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          clientId: 'messaging-module-int',
          brokers: [...infraEnv.kafkaBrokers],
          client: clientUnderTest,
          groupId: uniqueName('welcome'),
          topics: [topic],
          registry,
          consumer: { commitIntervalMs: 100 },
        }),
      ],
      providers: [WelcomeMailer],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();

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

  it('runs extra consumer groups beside the first: a stuck group does not hold the other', async () => {
    const [identity, jobs] = await Promise.all([harness.topic('identity', 2), harness.topic('jobs', 2)]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          clientId: 'messaging-module-groups',
          brokers: [...infraEnv.kafkaBrokers],
          client: clientUnderTest,
          groupId: uniqueName('events'),
          topics: [identity],
          extraGroups: [
            { groupId: uniqueName('workers'), topics: [jobs], consumer: { commitIntervalMs: 100 } },
          ],
          registry: new Registry(),
        }),
      ],
      providers: [WelcomeMailer, SlowJobs],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
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
    // Each group ran only the handlers of the types on its own topics.
    expect(slow.started).toEqual(['n-1']);
    expect(mailer.welcomed).toEqual([{ userId: 'user-2', attempt: 1 }]);

    slow.release();
    await app.close();
  });
});
