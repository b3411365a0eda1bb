import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createEvent, type EventOf } from '@platform/contracts';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { Registry } from 'prom-client';
import type { MessageContext } from '../consumer/handler';
import { EventProducer } from '../producer/event-producer';
import { RuntimeHarness } from '../consumer/runtime-harness.spec-helper';
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

describe('MessagingModule (real Kafka)', () => {
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
});
