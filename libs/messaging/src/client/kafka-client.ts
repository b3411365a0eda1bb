/**
 * The Kafka client as the runtime sees it: what EventProducer, ConsumerRuntime, the topic admin and
 * the start sequence use, and nothing more. Two adapters implement it (kafkajs, the default, and
 * @platformatic/kafka), chosen by `KAFKA_CLIENT`; docs/messaging.md has the measurements that keep
 * kafkajs the default.
 */

/** Header values as records carry them: a repeated header is an array. */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** A record to write; the client routes it by `key` (murmur2, as the Java client does). */
export interface OutgoingRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: RecordHeaders;
}

/** Records of one topic in one produce request, in publish order. */
export interface TopicRecords {
  topic: string;
  records: OutgoingRecord[];
}

/** Where the broker wrote a record. */
export interface RecordAck {
  topic: string;
  partition: number;
  offset: string;
}

export type Compression = 'none' | 'gzip';

/** An idempotent producer: acks=all, one request in flight, so per-key order holds under retries. */
export interface ProducerClient {
  connect(): Promise<void>;
  /**
   * Writes every batch and answers per batch, per record in its order: where it was written, or
   * `undefined` when the client resolved although the broker's answer left out the record's
   * partition (the record was not written; see producer/write-check.ts).
   */
  send(batches: readonly TopicRecords[], compression: Compression): Promise<(RecordAck | undefined)[][]>;
  disconnect(): Promise<void>;
}

/** A fetched record; the runtime reads its key, value and headers, and commits by offset. */
export interface ConsumedRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
}

/** Records of one partition, in offset order. */
export interface FetchedBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  /** The partition's end offset at fetch time, when the client reports it (consumer lag). */
  highWatermark?: string;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** The next offset to read of one partition, as committed for a group. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** What a consumer tells the runtime. `onBatch` must return at once: the fetch moves on. */
export interface ConsumerListener {
  onBatch(batch: FetchedBatch): void;
  /** A rebalance began: every partition is revoked (eager protocol); resolve once work is given back. */
  onRevoked(): Promise<void>;
  /** The member joined the group with a new assignment. */
  onJoined(): void;
  /** The consumer failed; `restarting` says whether the client rejoins by itself. */
  onCrash(error: unknown, restarting: boolean): void;
}

/** Consumer group settings; times in ms. */
export interface ConsumerClientOptions {
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/** A member of a consumer group that hands out per-partition batches and commits on request. */
export interface ConsumerClient {
  /** Connects, subscribes and starts fetching; resolves once running (the join may come later). */
  start(topics: readonly string[], fromBeginning: boolean, listener: ConsumerListener): Promise<void>;
  pause(partitions: readonly TopicPartitions[]): void;
  resume(partitions: readonly TopicPartitions[]): void;
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  /** Leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** A topic to create. */
export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** What creating and checking topics needs (ensureTopics, requireTopics). */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  /** Creates `topics` and waits for their leaders; false when another caller created them all first. */
  createTopics(topics: readonly NewTopic[]): Promise<boolean>;
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  createPartitions(topic: string, count: number): Promise<void>;
}

/** What reading consumer lag needs: the groups, what each committed, where each partition ends. */
export interface GroupOffsetsAdmin {
  /** The ids of every consumer group the cluster knows, whatever its state. */
  listGroups(): Promise<string[]>;
  /** The offsets `groupId` committed (the next offset it reads), per topic and partition it committed on. */
  committedOffsets(groupId: string): Promise<PartitionOffset[]>;
  /** The end offset (high watermark) of every partition of `topics`. */
  endOffsets(topics: readonly string[]): Promise<PartitionOffset[]>;
}

/** The admin client of an app's life: topic checks at start, the readiness probe, consumer lag. */
export interface AdminClient extends TopicAdmin, GroupOffsetsAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** One metadata round trip: resolves when the cluster answers. */
  describeCluster(): Promise<void>;
}

/** A connection setting shared by everything one client creates. */
export interface KafkaClientConfig {
  clientId: string;
  brokers: readonly string[];
  /** Retries of a connection or request inside the client; its default when unset. */
  retries?: number;
  /** No log lines of the library's own (tests, benchmarks); apps keep its warnings. */
  quiet?: boolean;
}

/** One client library behind the port. */
export interface KafkaClient {
  readonly name: KafkaClientName;
  producer(): ProducerClient;
  consumer(options: ConsumerClientOptions): ConsumerClient;
  admin(): AdminClient;
  /** The same client with fewer retries inside the library (callers that retry by themselves). */
  withRetries(retries: number): KafkaClient;
}

/** The values of `KAFKA_CLIENT`. */
export const kafkaClientNames = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof kafkaClientNames)[number];

/**
 * A failure of the client library, in the runtime's terms: `retriable` says whether waiting can fix
 * it (a leader moving, a broker down), `type` keeps the broker's error name (`MESSAGE_TOO_LARGE`,
 * `TOPIC_ALREADY_EXISTS`), and topic/partition say where, when known.
 */
export class KafkaClientError extends Error {
  override readonly name: string = 'KafkaClientError';

  constructor(
    message: string,
    readonly retriable: boolean,
    readonly context: { type?: string; topic?: string; partition?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: context.cause });
  }

  get type(): string | undefined {
    return this.context.type;
  }
}
