import { HttpException } from '@nestjs/common';
import {
  RpcException,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import { allTopics } from '@platform/contracts';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  defaultBatchOptions,
  type BatchHandler,
  type BatchOptions,
  type EventHandlerFn,
} from '../../consumer/handler';
import type { ConsumerRuntime } from '../../consumer/consumer-runtime';
import { PermanentError } from '../../errors';
import type { MessagingLifecycle } from '../messaging.lifecycle';
import type { ConsumerGroupOptions } from '../messaging.options';
import { KafkaBatchContext } from './kafka-batch.context';
import { KafkaContext } from './kafka.context';

/**
 * What a handler says besides its type, as `@EventPattern(type, extras)`:
 *
 *   @EventPattern('NotificationRequested', { group: 'worker' })
 *
 * `group` names the consumer group (ConsumerGroupOptions.name) whose records it handles; it may be
 * left out when the app runs one group. `batch` makes it a batch handler, called with an array of
 * events and a KafkaBatchContext; its bounds are the group's `consumer.batch`, then these:
 *
 *   @EventPattern('AnyEvent', { batch: true })
 *   async onEvents(@Payload() events: AnyEvent[], @Ctx() ctx: KafkaBatchContext) { ... }
 */
export interface KafkaHandlerExtras {
  group?: string;
  batch?: true | Partial<BatchOptions>;
}

/**
 * One consumer group of the app as a Nest microservice: it takes the `@EventPattern` handlers
 * that name its group and runs them on the messaging runtime (per-key order, retries in place and
 * through the retry topic, DLQ with provenance, commits after effects, lag metrics, trace links),
 * started and stopped through MessagingLifecycle with the rest of messaging.
 *
 * Handlers run through Nest's pipeline (pipes, guards, interceptors, exception filters), and the
 * runtime must still see the error they end with: it decides retry or DLQ by its `retriable`
 * flag. So the transport calls each handler itself and awaits its result (an Observable to its
 * end), and an exception filter that catches everything must rethrow outside HTTP (as the
 * observability ProblemDetailsFilter does) instead of answering like Nest's BaseRpcExceptionFilter.
 *
 * A programming error fails the start: a handler naming a group the app does not run, two handlers
 * of one type in one group, a handler of a catalog event that no topic of its group carries, a
 * `@MessagePattern` (there is no one to reply to), or a group without handlers.
 */
export class ConsumerGroupTransport extends Server implements CustomTransportStrategy {
  constructor(
    private readonly group: ConsumerGroupOptions,
    /** Every group the app runs, so a handler naming another one is told apart from a typo. */
    private readonly groupNames: readonly string[],
    private readonly lifecycle: MessagingLifecycle,
  ) {
    super();
  }

  /** The consumer group this transport runs. */
  get groupName(): string {
    return this.group.name;
  }

  /** Nest registers every handler of the app with every transport: this one keeps its group's. */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: KafkaHandlerExtras = {},
  ): void {
    const type = this.normalizePattern(pattern as string);
    if (!isEventHandler)
      throw new Error(`@MessagePattern('${type}'): a consumer group handles events; use @EventPattern`);
    const group = extras.group ?? (this.groupNames.length === 1 ? this.groupNames[0] : undefined);
    if (group === undefined)
      throw new Error(
        `@EventPattern('${type}') names no consumer group, and this app runs several (${this.groupNames.join(', ')}): add { group: '...' }`,
      );
    if (!this.groupNames.includes(group))
      throw new Error(
        `@EventPattern('${type}', { group: '${group}' }): this app runs no consumer group '${group}' (it runs: ${this.groupNames.join(', ') || 'none'})`,
      );
    if (group !== this.group.name) return;
    if (this.messageHandlers.has(type))
      throw new Error(`two @EventPattern('${type}') handlers in consumer group '${group}': keep one`);
    this.requireCarried(type);
    const kinds = new Set([...this.messageHandlers.values()].map((h) => isBatch(h.extras)));
    if (kinds.size > 0 && !kinds.has(isBatch(extras)))
      throw new Error(
        `@EventPattern('${type}'${extras.batch ? ', { batch }' : ''}) in consumer group '${group}': a group runs batch handlers or per-event handlers, not both; put them in groups of their own`,
      );
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  /** Starts the group; Nest's start (startAllMicroservices) waits as MessagingLifecycle.runGroup says. */
  listen(callback: (error?: unknown) => void): void {
    if (this.messageHandlers.size === 0) {
      callback(new Error(`consumer group '${this.group.name}' has no @EventPattern handlers`));
      return;
    }
    this.lifecycle.runGroup(this.group, this.eventHandlers(), this.batchHandlers()).then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Stops the group gracefully: running handlers finish, done work is committed. */
  async close(): Promise<void> {
    await this.lifecycle.stopGroup(this.group.groupId);
  }

  /** The group's ConsumerRuntime, once started. */
  unwrap<T = ConsumerRuntime>(): T {
    const runtime = this.lifecycle.runtimeOf(this.group.groupId);
    if (!runtime) throw new Error(`consumer group '${this.group.name}' has not started`);
    return runtime as T;
  }

  /** The runtime reports through metrics, logs and `/health/ready`, not through events. */
  on(event: string): never {
    throw new Error(`consumer group transports emit no events (asked for '${event}'): see /health/ready`);
  }

  /** The group's handlers as the runtime calls them: the event and its record, the error as thrown. */
  eventHandlers(): Map<string, EventHandlerFn> {
    const handlers = new Map<string, EventHandlerFn>();
    for (const [type, handler] of this.messageHandlers) {
      if (isBatch(handler.extras)) continue;
      handlers.set(type, (event, message) => invoke(handler, event, new KafkaContext([message])));
    }
    return handlers;
  }

  /** The group's batch handlers as the runtime calls them, with their bounds. */
  batchHandlers(): Map<string, BatchHandler> {
    const handlers = new Map<string, BatchHandler>();
    for (const [type, handler] of this.messageHandlers) {
      const extras = handler.extras as KafkaHandlerExtras | undefined;
      if (!isBatch(extras)) continue;
      const options: BatchOptions = {
        ...defaultBatchOptions,
        ...this.group.consumer?.batch,
        ...(extras?.batch === true ? {} : extras?.batch),
      };
      handlers.set(type, {
        handle: (events, records) => invoke(handler, events, new KafkaBatchContext([records])),
        options,
      });
    }
    return handlers;
  }

  /**
   * With the contracts' decoder and topics from the catalog, a handler's type must be one those
   * topics carry: otherwise it would silently never run. Groups that decode records themselves,
   * or read topics outside the catalog, are not checked.
   */
  private requireCarried(type: string): void {
    if (this.group.decode) return;
    const catalog = new Map(allTopics().map((topic) => [topic.name as string, topic]));
    const specs = this.group.topics.map((name) => catalog.get(name));
    if (specs.some((spec) => spec === undefined)) return;
    if (specs.some((spec) => (spec?.events as readonly string[]).includes(type))) return;
    throw new Error(
      `@EventPattern('${type}') in consumer group '${this.group.name}': none of its topics (${this.group.topics.join(', ')}) carries ${type}`,
    );
  }
}

function isBatch(extras: KafkaHandlerExtras | undefined): boolean {
  return extras?.batch !== undefined && extras.batch !== (false as unknown);
}

/** Calls a handler through Nest's pipeline and waits for its end; rejects with what it threw. */
async function invoke(
  handler: MessageHandler,
  payload: unknown,
  context: KafkaContext | KafkaBatchContext,
): Promise<void> {
  try {
    const result: unknown = await handler(payload, context);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  } catch (error) {
    throw asRuntimeError(error);
  }
}

/**
 * Nest's own refusals (a guard's RpcException, a pipe's 4xx HttpException such as a failed
 * validation) are about the message, not the moment: no retry changes them, so they are
 * permanent unless they say otherwise. A plain object is what Nest's BaseRpcExceptionFilter
 * leaves of an error it caught: the original is lost, so the failure says why.
 */
function asRuntimeError(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'retriable' in error) return error;
  if (error instanceof RpcException || (error instanceof HttpException && error.getStatus() < 500))
    return new PermanentError(error.message, { cause: error });
  if (typeof error === 'object' && error !== null && !(error instanceof Error))
    return new Error(
      `handler failed and an exception filter replaced its error with ${JSON.stringify(error)}: a catch-all filter must rethrow outside HTTP (host.getType() !== 'http')`,
    );
  return error;
}
