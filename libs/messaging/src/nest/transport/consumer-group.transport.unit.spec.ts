import { Controller, UseGuards, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { Topics } from '@platform/contracts';
import { ObservabilityModule } from '@platform/observability';
import { Registry } from 'prom-client';
import { defer, throwError } from 'rxjs';
import type { MessageContext } from '../../consumer/handler';
import { PermanentError, RetriableError } from '../../errors';
import { MessagingLifecycle } from '../messaging.lifecycle';
import { MessagingModule } from '../messaging.module';
import type { ConsumerGroupOptions } from '../messaging.options';
import type { ConsumerGroupTransport } from './consumer-group.transport';
import type { KafkaBatchContext } from './kafka-batch.context';

const events: ConsumerGroupOptions = {
  name: 'events',
  groupId: 'g-events',
  topics: [Topics.identityEvents.name],
};
const workers: ConsumerGroupOptions = {
  name: 'workers',
  groupId: 'g-workers',
  topics: [Topics.notificationJobs.name],
};

/**
 * Compiles an app with `controllers` and connects its groups' transports, as startConsumerGroups
 * does before anything connects: Nest hands every handler to every transport right there.
 */
async function connect(groups: ConsumerGroupOptions[], controllers: (new (...args: never[]) => unknown)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      MessagingModule.forRoot({
        clientId: 'unit',
        brokers: ['127.0.0.1:1'],
        registry: new Registry(),
        consumerGroups: groups,
      }),
      ObservabilityModule.forRoot({ serviceName: 'unit', logLevel: 'silent', defaultMetrics: false }),
    ],
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const transports = app.get(MessagingLifecycle).transports();
  try {
    for (const strategy of transports) app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, transports };
}

const context = (): MessageContext => ({
  topic: Topics.identityEvents.name,
  partition: 0,
  offset: '0',
  key: 'u-1',
  headers: {},
  groupId: 'g-events',
  attempt: 1,
  signal: new AbortController().signal,
});

const byName = (transports: ConsumerGroupTransport[], name: string) => {
  const transport = transports.find((t) => t.groupName === name);
  if (!transport) throw new Error(`no transport ${name}`);
  return transport;
};

@Controller()
class Reactions {
  @EventPattern('UserRegistered', { group: 'events' })
  onRegistered(): void {
    // the handler's body does not matter here
  }

  @EventPattern('NotificationRequested', { group: 'workers' })
  onJob(): void {
    // the handler's body does not matter here
  }
}

@Controller()
class Failing {
  @EventPattern('UserRegistered')
  onRegistered(@Payload() event: { fail: string }): unknown {
    if (event.fail === 'permanent') throw new PermanentError('blocked');
    if (event.fail === 'observable') return defer(() => throwError(() => new RetriableError('store down')));
    throw new RetriableError('store down');
  }

  @EventPattern('UserLoggedIn')
  @UseGuards({ canActivate: () => false })
  onLoggedIn(): void {
    // the handler's body does not matter here
  }
}

describe('ConsumerGroupTransport', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('gives each group only the handlers that name it', async () => {
    let transports: ConsumerGroupTransport[];
    ({ app, transports } = await connect([events, workers], [Reactions]));
    expect([...byName(transports, 'events').getHandlers().keys()]).toEqual(['UserRegistered']);
    expect([...byName(transports, 'workers').getHandlers().keys()]).toEqual(['NotificationRequested']);
  });

  it('fails the start on a handler naming a group the app does not run', async () => {
    await expect(connect([events], [Reactions])).rejects.toThrow(
      "@EventPattern('NotificationRequested', { group: 'workers' }): this app runs no consumer group 'workers' (it runs: events)",
    );
  });

  it('fails the start on a handler naming no group when the app runs several', async () => {
    await expect(connect([events, workers], [Failing])).rejects.toThrow(
      "@EventPattern('UserRegistered') names no consumer group, and this app runs several (events, workers)",
    );
  });

  it('fails the start on two handlers of one type in one group', async () => {
    @Controller()
    class Again {
      @EventPattern('UserRegistered', { group: 'events' })
      onRegistered(): void {
        // the handler's body does not matter here
      }
    }
    await expect(connect([events, workers], [Reactions, Again])).rejects.toThrow(
      "two @EventPattern('UserRegistered') handlers in consumer group 'events': keep one",
    );
  });

  it('fails the start on a handler of an event that no topic of its group carries', async () => {
    @Controller()
    class Misplaced {
      @EventPattern('OrderPlaced')
      onPlaced(): void {
        // the handler's body does not matter here
      }
    }
    await expect(connect([events], [Misplaced])).rejects.toThrow(
      "@EventPattern('OrderPlaced') in consumer group 'events': none of its topics (identity.events) carries OrderPlaced",
    );
  });

  it('fails the start on a handler when the app declares no consumer group: it would never run', async () => {
    ({ app } = await connect([], [Failing]));
    await expect(app.init()).rejects.toThrow(
      'Failing.onRegistered is an @EventPattern handler, but MessagingModule declares no consumerGroups',
    );
  });

  it('fails the start on a @MessagePattern: nobody waits for a reply', async () => {
    @Controller()
    class Replying {
      @MessagePattern('UserRegistered')
      onRegistered(): string {
        return 'ok';
      }
    }
    await expect(connect([events], [Replying])).rejects.toThrow('a consumer group handles events');
  });

  it("hands the runtime a handler's error as thrown, through the app's exception filter", async () => {
    let transports: ConsumerGroupTransport[];
    ({ app, transports } = await connect([events], [Failing]));
    const handlers = byName(transports, 'events').eventHandlers();
    const onRegistered = handlers.get('UserRegistered');
    const permanent = onRegistered?.({ fail: 'permanent' }, context());
    await expect(permanent).rejects.toBeInstanceOf(PermanentError);
    await expect(onRegistered?.({ fail: 'retriable' }, context())).rejects.toBeInstanceOf(RetriableError);
    await expect(onRegistered?.({ fail: 'observable' }, context())).rejects.toBeInstanceOf(RetriableError);
  });

  it("makes a guard's refusal permanent: the same record would be refused again", async () => {
    let transports: ConsumerGroupTransport[];
    ({ app, transports } = await connect([events], [Failing]));
    const onLoggedIn = byName(transports, 'events').eventHandlers().get('UserLoggedIn');
    await expect(onLoggedIn?.({}, context())).rejects.toThrow(PermanentError);
    await expect(onLoggedIn?.({}, context())).rejects.toThrow('Forbidden resource');
  });

  it('gives a batch handler the events and their records, with the bounds of its group and its own', async () => {
    @Controller()
    class Batched {
      @EventPattern('UserRegistered', { batch: { maxWaitMs: 20 } })
      async onRegistered(@Payload() batch: { n: number }[], @Ctx() ctx: KafkaBatchContext): Promise<void> {
        if (batch.length !== ctx.records.length) throw new PermanentError('one record per event');
        if (batch.some((e) => e.n < 0)) throw new RetriableError('store down');
      }
    }
    let transports: ConsumerGroupTransport[];
    const group = { ...events, consumer: { batch: { maxRecords: 7 } } };
    ({ app, transports } = await connect([group], [Batched]));
    const transport = byName(transports, 'events');
    expect(transport.eventHandlers().size).toBe(0);
    const handler = transport.batchHandlers().get('UserRegistered');
    expect(handler?.options).toEqual({ maxRecords: 7, maxWaitMs: 20 });
    await expect(handler?.handle([{ n: 1 }, { n: 2 }], [context(), context()])).resolves.toBeUndefined();
    await expect(handler?.handle([{ n: -1 }], [context()])).rejects.toBeInstanceOf(RetriableError);
    await expect(handler?.handle([{ n: 1 }], [])).rejects.toBeInstanceOf(PermanentError);
  });

  it('fails the start on a group with both batch and per-event handlers', async () => {
    @Controller()
    class Mixed {
      @EventPattern('UserRegistered', { batch: true })
      async onRegistered(): Promise<void> {
        // the handler's body does not matter here
      }

      @EventPattern('UserLoggedIn')
      onLoggedIn(): void {
        // the handler's body does not matter here
      }
    }
    await expect(connect([events], [Mixed])).rejects.toThrow(
      "@EventPattern('UserLoggedIn') in consumer group 'events': a group runs batch handlers or per-event handlers, not both",
    );
  });
});
