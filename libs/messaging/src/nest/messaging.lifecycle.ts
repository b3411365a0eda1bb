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
import { allTopics, decodeEvent, topicConfigsOwnedBy, type TopicConfig } from '@platform/contracts';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ReadinessRegistry } from '@platform/observability';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import type { EventHandlerFn } from '../consumer/handler';
import type { RuntimeLogger } from '../consumer/message-processor';
import type { MessagingMetrics } from '../metrics';
import { EventProducer } from '../producer/event-producer';
import { ensureTopics, topicSpecsOf } from '../topic-admin';
import { HANDLE_EVENT } from './handle-event.decorator';
import { MESSAGING_METRICS } from './messaging.tokens';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';

/**
 * Starts and stops messaging with the app: at bootstrap it connects the producer, creates the
 * topics the app owns, finds the @HandleEvent methods and starts the consumer group; at
 * shutdown it stops the consumer gracefully (running handlers finish, done work is committed),
 * and once HTTP has drained the producer flushes and disconnects.
 */
@Injectable()
export class MessagingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Messaging');
  private runtimes: ConsumerRuntime[] = [];
  private readinessAdmin: Admin | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_METRICS) private readonly metrics: MessagingMetrics,
    private readonly kafka: Kafka,
    private readonly producer: EventProducer,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registerReadiness();
    await this.producer.connect();
    const toCreate = [
      ...(this.options.ownsTopicsOf ? topicConfigsOwnedBy(this.options.ownsTopicsOf) : []),
      ...(this.options.alsoCreates ?? []),
    ];
    if (toCreate.length > 0) await this.createTopics(toCreate);
    // The app's own topics are counted from 0: a counter whose series appears only with its
    // first records shows no rate() for them, and "are events flowing?" alerts would miss the start.
    if (this.options.ownsTopicsOf) {
      for (const topic of allTopics().filter((t) => t.owner === this.options.ownsTopicsOf)) {
        this.metrics.produced.inc({ topic: topic.name }, 0);
      }
    }
    const handlers = this.discoverHandlers();
    if (handlers.size === 0) return;
    const { groupId, topics = [], decode, consumer, extraGroups = [] } = this.options;
    const groups = [...(groupId ? [{ groupId, topics, decode, consumer }] : []), ...extraGroups];
    for (const group of groups) {
      const runtime = new ConsumerRuntime(this.kafka, {
        ...group.consumer,
        groupId: group.groupId,
        topics: group.topics,
        handlers,
        decode: group.decode ?? decode ?? decodeEvent,
        dlqProducer: this.producer,
        metrics: this.metrics,
        logger: this.runtimeLogger(),
      });
      this.runtimes.push(runtime);
      await runtime.start();
      this.logger.log(`consuming ${runtime.subscribedTopics.join(', ')} as ${group.groupId}`);
    }
  }

  /** Consumption stops first: its handlers may still publish through the producer. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runtimes.map((runtime) => runtime.stop()));
  }

  /** The producer goes last, after HTTP has drained: in-flight requests may still publish. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.readinessAdmin?.disconnect();
  }

  // Every app that messages is ready only while the cluster answers. kafkajs does not expose a
  // producer's connection state; a metadata round trip over a long-lived admin client is the
  // nearest check that the producer can publish.
  private registerReadiness(): void {
    if (!this.readiness) return;
    const admin = (this.readinessAdmin = this.kafka.admin());
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        await admin.connect();
        return admin.describeCluster();
      },
    });
  }

  private async createTopics(configs: readonly TopicConfig[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const specs = topicSpecsOf(configs, this.options.replicationFactor ?? 1);
      const result = await ensureTopics(admin, specs);
      if (result.created.length > 0) this.logger.log(`created topics ${result.created.join(', ')}`);
    } finally {
      await admin.disconnect();
    }
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

/** The kafkajs client of the app, quiet: the runtime logs what matters itself. */
export function createKafka(options: MessagingModuleOptions): Kafka {
  return new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.WARN });
}
