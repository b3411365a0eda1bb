import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { allTopics, decodeEvent, type TopicOwner } from '@platform/contracts';
import { ReadinessRegistry } from '@platform/observability';
import type { AdminClient, KafkaClient } from '../client/kafka-client';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import type { EventHandlerFn } from '../consumer/handler';
import type { RuntimeLogger } from '../consumer/runtime-logger';
import type { MessagingMetrics } from '../metrics';
import { EventProducer } from '../producer/event-producer';
import { retryUntilStarted } from '../startup/retry-until-started';
import { defaultStartBackoff, isWorthLogging, startFailureReason } from '../startup/start-policy';
import { StartupProgress } from '../startup/startup-progress';
import { ensureTopicsOf, requireTopics } from '../topic-admin';
import { HANDLE_EVENT } from './handle-event.decorator';
import { MESSAGING_METRICS } from './messaging.tokens';
import {
  KAFKA_CLIENT,
  MESSAGING_OPTIONS,
  type ConsumerGroupOptions,
  type MessagingModuleOptions,
} from './messaging.options';

/**
 * Starts and stops messaging with the app: at bootstrap it connects the producer, creates the
 * topics the app owns, finds the @HandleEvent methods and starts each consumer group once the
 * topics it reads exist; at shutdown it stops the consumers gracefully (running handlers finish,
 * done work is committed), and once HTTP has drained the producer flushes and disconnects.
 *
 * Apps start in any order (compose and Kubernetes start them in parallel), so a start step that
 * fails for a reason that can pass (the broker not up yet, a topic its owner has not created yet,
 * a leader not elected yet) is retried with capped backoff for as long as it takes, never ending
 * the process. The first attempt runs within bootstrap, so on a ready cluster the app listens only
 * once it consumes; if it has to wait, bootstrap returns and the wait goes on in the background
 * while `/health/ready` answers 503 saying what it waits for. A failure that waiting cannot fix
 * (a topic with fewer partitions than its spec) fails the bootstrap when the first attempt meets
 * it, and later leaves the app not ready, saying so.
 */
@Injectable()
export class MessagingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Messaging');
  private readonly progress = new StartupProgress();
  private readonly stopStarting = new AbortController();
  private runtimes: ConsumerRuntime[] = [];
  // The admin's callers retry by themselves (the start loop, the next probe), so it runs on a
  // client with few retries: kafkajs's default connection retries (about 10 s against a broker
  // that is down) outlive a probe's timeout and even the app's shutdown.
  private readonly admin: AdminClient;
  private adminConnecting: Promise<void> | undefined;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_METRICS) private readonly metrics: MessagingMetrics,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly producer: EventProducer,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {
    this.admin = client.withRetries(1).admin();
  }

  async onApplicationBootstrap(): Promise<void> {
    // A programming error (two handlers of one type) fails at once, before anything connects.
    const handlers = this.discoverHandlers();
    this.registerReadiness();
    // The app's own topics are counted from 0: a counter whose series appears only with its
    // first records shows no rate() for them, and "are events flowing?" alerts would miss the start.
    if (this.options.ownsTopicsOf) {
      for (const topic of allTopics().filter((t) => t.owner === this.options.ownsTopicsOf)) {
        this.metrics.produced.inc({ topic: topic.name }, 0);
      }
    }
    let waiting = false;
    let firstWait: () => void = () => undefined;
    const waitBegan = new Promise<void>((resolve) => (firstWait = resolve));
    const started = this.start(handlers, () => {
      waiting = true;
      firstWait();
    });
    this.starting = started.catch((error: unknown) => {
      if (this.stopStarting.signal.aborted) return;
      // Before the first wait, bootstrap rejects with it (below) and the app does not start.
      if (waiting)
        this.logger.error({ msg: 'messaging failed to start; the app stays not ready', err: error });
    });
    await Promise.race([started, waitBegan]);
  }

  /** Consumption stops first: its handlers may still publish through the producer. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopStarting.abort();
    await this.starting;
    await Promise.all(this.runtimes.map((runtime) => runtime.stop()));
  }

  /** The producer goes last, after HTTP has drained: in-flight requests may still publish. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.adminConnecting?.catch(() => undefined);
    await this.admin.disconnect();
  }

  /**
   * Connects the producer, creates the owned topics, then starts every consumer group at once (a
   * group that waits for its topics does not hold back another whose topics exist). `onWait` is
   * called at the first failure that will be waited out.
   */
  private async start(handlers: Map<string, EventHandlerFn>, onWait: () => void): Promise<void> {
    const retrying = <T>(part: string, step: () => Promise<T>) => this.retrying(part, step, onWait);
    await retrying('producer', () => this.producer.connect());
    const owner = this.options.ownsTopicsOf;
    if (owner) await retrying(`topics of ${owner}`, () => this.createTopics(owner));
    if (handlers.size === 0) return;
    const { groupId, topics = [], decode, consumer, extraGroups = [] } = this.options;
    const groups = [...(groupId ? [{ groupId, topics, decode, consumer }] : []), ...extraGroups];
    await Promise.all(
      groups.map(async (group) => {
        const runtime = await retrying(`consumer group ${group.groupId}`, () =>
          this.startGroup(group, handlers),
        );
        this.runtimes.push(runtime);
        this.logger.log(`consuming ${runtime.subscribedTopics.join(', ')} as ${group.groupId}`);
      }),
    );
  }

  /** One attempt to start a group: its topics must exist; a runtime that fails to start is stopped. */
  private async startGroup(group: ConsumerGroupOptions, handlers: Map<string, EventHandlerFn>) {
    const runtime = new ConsumerRuntime(this.client, {
      ...group.consumer,
      groupId: group.groupId,
      topics: group.topics,
      handlers,
      decode: group.decode ?? this.options.decode ?? decodeEvent,
      dlqProducer: this.producer,
      metrics: this.metrics,
      logger: this.runtimeLogger(),
    });
    await requireTopics(await this.connectedAdmin(), runtime.subscribedTopics);
    try {
      await runtime.start();
    } catch (error) {
      await runtime.stop().catch(() => undefined);
      throw error;
    }
    return runtime;
  }

  /**
   * Runs one start step until it succeeds, recording its progress for readiness. Logs the first
   * failure, then only at attempts 2, 4, 8... or when the reason changes, and once when it starts.
   */
  private async retrying<T>(part: string, step: () => Promise<T>, onWait: () => void): Promise<T> {
    this.progress.set(part, { state: 'starting' });
    let lastReason = '';
    try {
      const value = await retryUntilStarted(part, step, {
        backoff: { ...defaultStartBackoff, ...this.options.startBackoff },
        signal: this.stopStarting.signal,
        onRetry: ({ attempt, reason, delayMs }) => {
          this.progress.set(part, { state: 'waiting', reason, attempt });
          if (isWorthLogging(attempt, reason !== lastReason))
            this.logger.warn({
              msg: `${part} not started: ${reason}; retrying with backoff`,
              attempt,
              delayMs,
            });
          lastReason = reason;
          onWait();
        },
      });
      this.progress.set(part, { state: 'started' });
      if (lastReason) this.logger.log(`${part} started after waiting (${lastReason})`);
      return value;
    } catch (error) {
      if (!this.stopStarting.signal.aborted)
        this.progress.set(part, { state: 'failed', reason: startFailureReason(error) });
      throw error;
    }
  }

  // Every app that messages is ready only while the cluster answers and messaging has started:
  // the clients do not expose a producer's connection state, so a metadata round trip over a
  // long-lived admin client is the nearest check that the producer can publish; each consumer
  // group must have joined.
  private registerReadiness(): void {
    if (!this.readiness) return;
    this.readiness.register({
      name: 'kafka',
      check: async () => (await this.connectedAdmin()).describeCluster(),
    });
    this.readiness.register({
      name: 'messaging',
      check: async () => {
        const reasons = [
          this.progress.notStarted(),
          ...this.runtimes.map((runtime) => {
            const reason = runtime.notConsuming();
            return reason && `consumer group ${runtime.groupId}: ${reason}`;
          }),
        ].filter((reason): reason is string => reason !== undefined);
        if (reasons.length > 0) throw new Error(reasons.join('; '));
      },
    });
  }

  /**
   * The admin client of the app's life (readiness checks, the start's topic checks), connected:
   * one connection attempt at a time, shared by whoever asks meanwhile.
   */
  private async connectedAdmin(): Promise<AdminClient> {
    this.adminConnecting ??= this.admin.connect().finally(() => (this.adminConnecting = undefined));
    await this.adminConnecting;
    return this.admin;
  }

  private async createTopics(owner: TopicOwner): Promise<void> {
    const admin = await this.connectedAdmin();
    const result = await ensureTopicsOf(admin, [owner], this.options.replicationFactor ?? 1);
    if (result.created.length > 0) this.logger.log(`created topics ${result.created.join(', ')}`);
  }

  private discoverHandlers(): Map<string, EventHandlerFn> {
    const handlers = new Map<string, EventHandlerFn>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const fn = instance[method] as (...args: unknown[]) => Promise<void>;
        const type = this.reflector.get<string | undefined>(HANDLE_EVENT, fn);
        if (!type) continue;
        if (handlers.has(type)) throw new Error(`two @HandleEvent('${type}') handlers in one app: keep one`);
        handlers.set(type, (event, ctx) => fn.call(instance, event, ctx));
      }
    }
    return handlers;
  }

  private runtimeLogger(): RuntimeLogger {
    return {
      warn: (fields, message) => this.logger.warn({ msg: message, ...fields }),
      error: (fields, message) => this.logger.error({ msg: message, ...fields }),
    };
  }
}
