import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { allTopics, decodeEvent, type TopicOwner } from '@platform/contracts';
import { ReadinessRegistry } from '@platform/observability';
import type { AdminClient, KafkaClient } from '../client/kafka-client';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import type { BatchHandler, EventHandlerFn } from '../consumer/handler';
import type { RuntimeLogger } from '../consumer/runtime-logger';
import type { MessagingMetrics } from '../metrics';
import { EventProducer } from '../producer/event-producer';
import { retryUntilStarted } from '../startup/retry-until-started';
import { defaultStartBackoff, isWorthLogging, startFailureReason } from '../startup/start-policy';
import { StartupProgress } from '../startup/startup-progress';
import { ensureTopicsOf, requireTopics } from '../topic-admin';
import { MESSAGING_METRICS } from './messaging.tokens';
import { ConsumerGroupTransport } from './transport/consumer-group.transport';
import {
  KAFKA_CLIENT,
  MESSAGING_OPTIONS,
  type ConsumerGroupOptions,
  type MessagingModuleOptions,
} from './messaging.options';

/**
 * Starts and stops messaging with the app: at bootstrap it connects the producer and creates the
 * topics the app owns; each consumer group, run as a Nest microservice (ConsumerGroupTransport),
 * starts through it once its topics exist; at shutdown it stops the consumers gracefully (running
 * handlers finish, done work is committed), and once HTTP has drained the producer flushes and
 * disconnects.
 *
 * Apps start in any order (compose and Kubernetes start them in parallel), so a start step that
 * fails for a reason that can pass (the broker not up yet, a topic its owner has not created yet,
 * a leader not elected yet) is retried with capped backoff for as long as it takes, never ending
 * the process. The first attempt runs within bootstrap (and within the microservices' start), so
 * on a ready cluster the app listens only once it consumes; if it has to wait, bootstrap returns
 * and the wait goes on in the background while `/health/ready` answers 503 saying what it waits
 * for. A failure that waiting cannot fix (a topic with fewer partitions than its spec) fails the
 * bootstrap when the first attempt meets it, and later leaves the app not ready, saying so.
 */
@Injectable()
export class MessagingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Messaging');
  private readonly progress = new StartupProgress();
  private readonly stopStarting = new AbortController();
  private readonly runtimes = new Map<string, ConsumerRuntime>();
  // The admin's callers retry by themselves (the start loop, the next probe), so it runs on a
  // client with few retries: kafkajs's default connection retries (about 10 s against a broker
  // that is down) outlive a probe's timeout and even the app's shutdown.
  private readonly admin: AdminClient;
  private adminConnecting: Promise<void> | undefined;
  /** Every start under way (the producer's and topics', each group's), for shutdown to await. */
  private readonly starting: Promise<void>[] = [];
  /** The producer and owned topics; a group starts after them (its DLQ is written through the producer). */
  private basics: Promise<void> | undefined;
  /** Set at the first failure that will be waited out, in any part: from then on starts return at once. */
  private waiting = false;
  private firstWait: () => void = () => undefined;
  private readonly waitBegan = new Promise<void>((resolve) => (this.firstWait = resolve));

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_METRICS) private readonly metrics: MessagingMetrics,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly producer: EventProducer,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {
    this.admin = client.withRetries(1).admin();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.requireAGroupForEveryHandler();
    this.registerReadiness();
    // The app's own topics are counted from 0: a counter whose series appears only with its
    // first records shows no rate() for them, and "are events flowing?" alerts would miss the start.
    if (this.options.ownsTopicsOf) {
      for (const topic of allTopics().filter((t) => t.owner === this.options.ownsTopicsOf)) {
        this.metrics.produced.inc({ topic: topic.name }, 0);
      }
    }
    this.basics = this.startBasics();
    // A group whose microservice never starts stays visible: readiness says it is still starting.
    for (const group of this.options.consumerGroups ?? [])
      this.progress.set(groupPart(group), { state: 'starting' });
    await this.untilStartedOrWaiting(this.basics);
  }

  /**
   * With no consumer group there is no transport to take an `@EventPattern` handler, and it would
   * silently never run: a start error instead. (With groups, each transport checks the handlers.)
   */
  private requireAGroupForEveryHandler(): void {
    if ((this.options.consumerGroups ?? []).length > 0) return;
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        if (Reflect.getMetadata(PATTERN_METADATA, instance[method] as object) === undefined) continue;
        throw new Error(
          `${wrapper.name}.${method} is an @EventPattern handler, but MessagingModule declares no consumerGroups: it would never run; add the group it belongs to`,
        );
      }
    }
  }

  /** The consumer groups of the app, one transport each, to connect as microservices. */
  transports(): ConsumerGroupTransport[] {
    const groups = this.options.consumerGroups ?? [];
    const names = groups.map((group) => group.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`two consumer groups named '${duplicate}': give each its own name`);
    return groups.map((group) => new ConsumerGroupTransport(group, names, this));
  }

  /**
   * Starts one consumer group with its handlers, after the producer and owned topics. Resolves
   * once it consumes, or once any start step has to wait (the wait goes on in the background);
   * rejects when a first attempt meets a failure that waiting cannot fix.
   */
  async runGroup(
    group: ConsumerGroupOptions,
    handlers: ReadonlyMap<string, EventHandlerFn>,
    batchHandlers: ReadonlyMap<string, BatchHandler> = new Map(),
  ): Promise<void> {
    const { basics } = this;
    if (!basics)
      throw new Error('consumer groups start after the app has initialised: use startConsumerGroups(app)');
    const started = basics.then(
      async () => {
        const runtime = await this.retrying(groupPart(group), () =>
          this.startGroup(group, handlers, batchHandlers),
        );
        this.runtimes.set(group.groupId, runtime);
        this.logger.log(`consuming ${runtime.subscribedTopics.join(', ')} as ${group.groupId}`);
      },
      // The producer's or topics' failure is reported once, by the bootstrap; the group never starts.
      () => undefined,
    );
    await this.untilStartedOrWaiting(started);
  }

  /** Stops one group gracefully (its microservice closes); stopping twice is stopping once. */
  async stopGroup(groupId: string): Promise<void> {
    await this.runtimes.get(groupId)?.stop();
  }

  /** The runtime of a started group (a transport's `unwrap`). */
  runtimeOf(groupId: string): ConsumerRuntime | undefined {
    return this.runtimes.get(groupId);
  }

  /** Consumption stops first: its handlers may still publish through the producer. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopStarting.abort();
    await Promise.all(this.starting);
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.stop()));
  }

  /** The producer goes last, after HTTP has drained: in-flight requests may still publish. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.adminConnecting?.catch(() => undefined);
    await this.admin.disconnect();
  }

  /** Connects the producer, then creates the owned topics. */
  private async startBasics(): Promise<void> {
    await this.retrying('producer', () => this.producer.connect());
    const owner = this.options.ownsTopicsOf;
    if (owner) await this.retrying(`topics of ${owner}`, () => this.createTopics(owner));
  }

  /**
   * Waits for `start` to finish or for the first wait of any start step, whichever comes first.
   * Before that wait, a failure rejects here (the app does not start); after it, it is logged
   * and the app stays not ready.
   */
  private async untilStartedOrWaiting(start: Promise<void>): Promise<void> {
    this.starting.push(
      start.catch((error: unknown) => {
        if (this.stopStarting.signal.aborted) return;
        if (this.waiting)
          this.logger.error({ msg: 'messaging failed to start; the app stays not ready', err: error });
      }),
    );
    await Promise.race([start, this.waitBegan]);
  }

  /** One attempt to start a group: its topics must exist; a runtime that fails to start is stopped. */
  private async startGroup(
    group: ConsumerGroupOptions,
    handlers: ReadonlyMap<string, EventHandlerFn>,
    batchHandlers: ReadonlyMap<string, BatchHandler>,
  ) {
    const { batch: _bounds, ...settings } = group.consumer ?? {};
    const runtime = new ConsumerRuntime(this.client, {
      ...settings,
      groupId: group.groupId,
      topics: group.topics,
      handlers,
      batchHandlers,
      decode: group.decode ?? decodeEvent,
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
  private async retrying<T>(part: string, step: () => Promise<T>): Promise<T> {
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
          this.waiting = true;
          this.firstWait();
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
          ...[...this.runtimes.values()].map((runtime) => {
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

  private runtimeLogger(): RuntimeLogger {
    return {
      warn: (fields, message) => this.logger.warn({ msg: message, ...fields }),
      error: (fields, message) => this.logger.error({ msg: message, ...fields }),
    };
  }
}

/** A group's name in the start progress that readiness reports. */
const groupPart = (group: ConsumerGroupOptions): string => `consumer group ${group.groupId}`;
