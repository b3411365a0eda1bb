import {
  CompressionTypes,
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Message,
  type PartitionerArgs,
  type Producer,
} from 'kafkajs';
import { acksOf } from '../producer/write-check';
import type {
  AdminClient,
  Compression,
  ConsumerClient,
  ConsumerClientOptions,
  ConsumerListener,
  KafkaClient,
  KafkaClientConfig,
  NewTopic,
  PartitionOffset,
  ProducerClient,
  RecordAck,
  TopicAdmin,
  TopicPartitions,
  TopicRecords,
} from './kafka-client';

/**
 * The kafkajs adapter (the default). kafkajs's errors pass through as they are: they carry
 * `retriable` and the broker's error `type`, which is what the runtime reads.
 */
export class KafkajsClient implements KafkaClient {
  readonly name = 'kafkajs' as const;
  private readonly kafka: Kafka;

  constructor(private readonly config: KafkaClientConfig) {
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: [...config.brokers],
      // Warnings only (its failed requests): the runtime logs what matters itself.
      logLevel: config.quiet ? logLevel.NOTHING : logLevel.WARN,
      ...(config.retries !== undefined ? { retry: { retries: config.retries } } : {}),
    });
  }

  producer(): ProducerClient {
    return new KafkajsProducer(this.kafka);
  }

  consumer(options: ConsumerClientOptions): ConsumerClient {
    return new KafkajsConsumer(this.kafka, options);
  }

  admin(): AdminClient {
    return new KafkajsAdmin(this.kafka.admin());
  }

  withRetries(retries: number): KafkaClient {
    return new KafkajsClient({ ...this.config, retries });
  }
}

/** Where the partitioner routed each record of a send, to check the broker's answer against it. */
class RoutingRecorder {
  private readonly routed = new WeakMap<Message, number>();

  /** A kafkajs `createPartitioner` that routes as DefaultPartitioner and remembers the choice. */
  readonly createPartitioner = () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args: PartitionerArgs): number => {
      const partition = inner(args);
      this.routed.set(args.message, partition);
      return partition;
    };
  };

  /** The partition `message` was routed to in its last send; -1 (never in an answer) if none. */
  partitionOf(message: Message): number {
    return this.routed.get(message) ?? -1;
  }
}

class KafkajsProducer implements ProducerClient {
  private readonly producer: Producer;
  private readonly routing = new RoutingRecorder();

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, as the Java client does: a key lands in the same partition whichever
      // client produced it. The recorder keeps each record's partition (write-check.ts).
      createPartitioner: this.routing.createPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(
    batches: readonly TopicRecords[],
    compression: Compression,
  ): Promise<(RecordAck | undefined)[][]> {
    // OutgoingRecord is a kafkajs Message: the records go as they are, so the partitioner sees
    // (and the recorder remembers) the very objects of the batch.
    const topicMessages = batches.map(({ topic, records }) => ({ topic, messages: records as Message[] }));
    const answer = await this.producer.sendBatch({
      topicMessages,
      acks: -1,
      compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    });
    const parts = answer.map((m) => ({
      topic: m.topicName,
      partition: m.partition,
      baseOffset: m.baseOffset ?? '0',
    }));
    return topicMessages.map(({ topic, messages }) =>
      acksOf(
        topic,
        messages.map((message) => this.routing.partitionOf(message)),
        parts,
      ),
    );
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

class KafkajsConsumer implements ConsumerClient {
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, options: ConsumerClientOptions) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
    });
  }

  async start(topics: readonly string[], fromBeginning: boolean, listener: ConsumerListener): Promise<void> {
    const { consumer } = this;
    // kafkajs rebalances eagerly: REBALANCING revokes every partition.
    consumer.on(consumer.events.REBALANCING, () => void listener.onRevoked());
    consumer.on(consumer.events.GROUP_JOIN, () => listener.onJoined());
    consumer.on(consumer.events.CRASH, ({ payload }) => listener.onCrash(payload.error, payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload, listener),
    });
  }

  private async onBatch(
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
    listener: ConsumerListener,
  ): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    listener.onBatch({
      topic: batch.topic,
      partition: batch.partition,
      records: batch.messages,
      highWatermark: batch.highWatermark,
    });
    // The fetch position moves on at once; the commit position follows the work.
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }

  pause(partitions: readonly TopicPartitions[]): void {
    this.consumer.pause([...partitions]);
  }

  resume(partitions: readonly TopicPartitions[]): void {
    this.consumer.resume([...partitions]);
  }

  commit(offsets: readonly PartitionOffset[]): Promise<void> {
    return this.consumer.commitOffsets([...offsets]);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

class KafkajsAdmin implements AdminClient {
  private readonly topics: TopicAdmin;

  constructor(private readonly admin: Admin) {
    this.topics = kafkajsTopicAdmin(admin);
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async describeCluster(): Promise<void> {
    await this.admin.describeCluster();
  }

  listTopics(): Promise<string[]> {
    return this.topics.listTopics();
  }

  createTopics(topics: readonly NewTopic[]): Promise<boolean> {
    return this.topics.createTopics(topics);
  }

  partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    return this.topics.partitionCounts(topics);
  }

  createPartitions(topic: string, count: number): Promise<void> {
    return this.topics.createPartitions(topic, count);
  }

  async listGroups(): Promise<string[]> {
    const { groups } = await this.admin.listGroups();
    return groups.map((group) => group.groupId);
  }

  async committedOffsets(groupId: string): Promise<PartitionOffset[]> {
    // Without `topics`, every topic the group committed on; -1 marks a partition it never did.
    const topics = await this.admin.fetchOffsets({ groupId });
    return topics.flatMap(({ topic, partitions }) =>
      partitions
        .filter((p) => p.offset !== '-1')
        .map((p) => ({ topic, partition: p.partition, offset: p.offset })),
    );
  }

  async endOffsets(topics: readonly string[]): Promise<PartitionOffset[]> {
    const perTopic = await Promise.all(
      topics.map(async (topic) =>
        (await this.admin.fetchTopicOffsets(topic)).map((p) => ({
          topic,
          partition: p.partition,
          offset: p.high,
        })),
      ),
    );
    return perTopic.flat();
  }
}

/**
 * A kafkajs Admin as a {@link TopicAdmin}: tests and tools that hold a kafkajs admin create their
 * topics through ensureTopics with it.
 */
export function kafkajsTopicAdmin(admin: Admin): TopicAdmin {
  return {
    listTopics: () => admin.listTopics(),
    createTopics: (topics) =>
      admin.createTopics({
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
        waitForLeaders: true,
      }),
    partitionCounts: async (names) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      return new Map(topics.map((t) => [t.name, t.partitions.length]));
    },
    createPartitions: async (topic, count) => {
      await admin.createPartitions({ topicPartitions: [{ topic, count }] });
    },
  };
}
