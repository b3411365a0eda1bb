// A small consumer app on the transport, for its integration tests: one consumer group reading
// one topic of test envelopes ('Thing'), handled by a controller through Nest's pipeline (an
// interceptor, a pipe, the observability exception filter as the app's global filter).
import {
  BadRequestException,
  Controller,
  Inject,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { decodeEnvelope, type EventEnvelope } from '@platform/contracts';
import { ObservabilityModule } from '@platform/observability';
import { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { KafkaClientName } from '../../client/kafka-client';
import { PermanentError, RetriableError } from '../../errors';
import { MessagingModule } from '../messaging.module';
import type { ConsumerGroupOptions } from '../messaging.options';
import type { KafkaContext } from './kafka.context';
import { startConsumerGroups } from './start-consumer-groups';

/** What a test thing asks of its handler, in its payload. */
export interface ThingPayload {
  /** Position among the things of its key, from 0. */
  seq?: number;
  /** `permanent`: always fails permanently; `retriable`: fails retriably on attempts 1 and 2. */
  fail?: 'permanent' | 'retriable';
  /** Milliseconds the handler takes. */
  delayMs?: number;
  /** Refused by the pipe, as a validation pipe refuses a malformed payload. */
  malformed?: boolean;
}

/** One call of the handler, as it saw it. */
export interface Handled {
  id: string;
  key: string | null;
  seq: number | undefined;
  attempt: number;
  partition: number;
}

/** Counts handler calls per topic around the handler: proof that interceptors run on the transport. */
class CountingInterceptor implements NestInterceptor {
  private readonly calls = new Map<string, number>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { topic } = context.switchToRpc().getContext<KafkaContext>();
    this.calls.set(topic, (this.calls.get(topic) ?? 0) + 1);
    return next.handle();
  }

  callsOn(topic: string): number {
    return this.calls.get(topic) ?? 0;
  }
}

/** The interceptor of every things app in this process. */
export const counting = new CountingInterceptor();

const ON_HANDLED = Symbol('on-handled');

/** Refuses a malformed thing as a validation pipe would (a 400-like refusal, not a RetriableError). */
class ThingPipe implements PipeTransform<EventEnvelope> {
  transform(event: EventEnvelope): EventEnvelope {
    if ((event.payload as ThingPayload).malformed)
      throw new BadRequestException('payload.malformed: expected false');
    return event;
  }
}

@Controller()
@UseInterceptors(counting)
export class ThingsController {
  readonly attempts: Handled[] = [];
  readonly handled: Handled[] = [];

  constructor(@Inject(ON_HANDLED) private readonly onHandled: (handled: Handled) => void) {}

  @EventPattern('Thing')
  async onThing(@Payload(ThingPipe) event: EventEnvelope, @Ctx() ctx: KafkaContext): Promise<void> {
    const payload = event.payload as ThingPayload;
    const call = {
      id: event.id,
      key: ctx.key,
      seq: payload.seq,
      attempt: ctx.attempt,
      partition: ctx.partition,
    };
    this.attempts.push(call);
    if (payload.delayMs) await new Promise((resolve) => setTimeout(resolve, payload.delayMs));
    if (payload.fail === 'permanent') throw new PermanentError(`thing ${event.id} is blocked`);
    if (payload.fail === 'retriable' && ctx.attempt < 3) throw new RetriableError('store unavailable');
    this.handled.push(call);
    this.onHandled(call);
  }
}

/** Boots the app (as main.ts does, minus listening) with the group reading `topic`. */
export async function bootThingsApp(options: {
  brokers: string[];
  client: KafkaClientName;
  groupId: string;
  topic: string;
  consumer?: ConsumerGroupOptions['consumer'];
  /** Called with each handled thing (the crash test's child process prints it). */
  onHandled?: (handled: Handled) => void;
}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      MessagingModule.forRoot({
        clientId: 'things-app',
        brokers: options.brokers,
        client: options.client,
        registry: new Registry(),
        consumerGroups: [
          {
            name: 'things',
            groupId: options.groupId,
            topics: [options.topic],
            decode: decodeEnvelope,
            consumer: {
              sessionTimeoutMs: 10_000,
              heartbeatIntervalMs: 1_000,
              commitIntervalMs: 100,
              retry: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 },
              ...options.consumer,
            },
          },
        ],
      }),
      ObservabilityModule.forRoot({ serviceName: 'things-app', logLevel: 'silent', defaultMetrics: false }),
    ],
    controllers: [ThingsController],
    providers: [{ provide: ON_HANDLED, useValue: options.onHandled ?? (() => undefined) }],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await startConsumerGroups(app);
  return app;
}
