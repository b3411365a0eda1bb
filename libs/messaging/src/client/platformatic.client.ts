import {
  Admin,
  Consumer,
  GenericError,
  murmur2,
  Producer,
  ProduceAcks,
  TimeoutError,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import { acksOf } from '../producer/write-check';
import {
  KafkaClientError,
  type AdminClient,
  type Compression,
  type ConsumedRecord,
  type ConsumerClient,
  type ConsumerClientOptions,
  type ConsumerListener,
  type FetchedBatch,
  type KafkaClient,
  type KafkaClientConfig,
  type NewTopic,
  type PartitionOffset,
  type ProducerClient,
  type RecordAck,
  type RecordHeaders,
  type TopicPartitions,
  type TopicRecords,
} from './kafka-client';

/** Bounds of waits the library leaves to its caller; times in ms. */
const timing = {
  /**
   * Retries of the producer's first round trip when the client's config sets none: the library's
   * own default for its other clients (1 s apart), so a broker that never answers fails connect()
   * in about 3 s.
   */
  connectRetries: 3,
  /** How long createTopics waits for every new partition to have a leader. */
  leaderWaitMs: 10_000,
  /** Before a consumer whose stream failed fetches again. */
  restartDelayMs: 1_000,
};

/**
 * The @platformatic/kafka adapter. Its errors are translated to {@link KafkaClientError} (its
 * `canRetry` becomes `retriable`, a protocol error's id becomes `type`).
 */
export class PlatformaticClient implements KafkaClient {
  readonly name = 'platformatic' as const;

  constructor(private readonly config: KafkaClientConfig) {}

  private base() {
    return {
      clientId: this.config.clientId,
      bootstrapBrokers: [...this.config.brokers],
      ...(this.config.retries !== undefined ? { retries: this.config.retries } : {}),
    };
  }

  producer(): ProducerClient {
    return new PlatformaticProducer(
      new Producer({ ...this.base(), idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false }),
      this.config.retries ?? timing.connectRetries,
    );
  }

  consumer(options: ConsumerClientOptions): ConsumerClient {
    return new PlatformaticConsumer(
      new Consumer({
        ...this.base(),
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: options.heartbeatIntervalMs,
        autocommit: false,
      }),
    );
  }

  admin(): AdminClient {
    return new PlatformaticAdmin(() => new Admin(this.base()));
  }

  withRetries(retries: number): KafkaClient {
    return new PlatformaticClient({ ...this.config, retries });
  }
}

// As kafkajs and the Java client route: murmur2 of the key, made positive, modulo partitions.
// (The library's own default partitioner does not mask the sign bit, so a key would land in
// another partition than under kafkajs: a switch of client would break per-key order.)
const POSITIVE = 0x7fffffff;

/** The partition the Java client, kafkajs and this adapter route `key` to. */
export function partitionOfKey(key: Buffer, partitions: number): number {
  return (murmur2(key) & POSITIVE) % partitions;
}

const toBuffer = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data) : data);

/** Headers as the library writes them; a Map keyed by distinct Buffers keeps repeated names. */
function headersOf(headers: RecordHeaders | undefined): Map<Buffer, Buffer> | undefined {
  if (!headers) return undefined;
  const out = new Map<Buffer, Buffer>();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) out.set(Buffer.from(name), toBuffer(one));
  }
  return out;
}

class PlatformaticProducer implements ProducerClient {
  private roundRobin = 0;

  constructor(
    private readonly producer: Producer,
    private readonly connectRetries: number,
  ) {}

  /**
   * Fails, retriable, once `connectRetries` are spent without an answer from the cluster (as
   * kafkajs's connect does), so its caller can say why it waits and stop waiting when told to.
   */
  async connect(): Promise<void> {
    // An idempotent producer retries every request without end (the library raises an unset or
    // low `retries` to Number.MAX_SAFE_INTEGER), the producer id request too: against a broker that
    // never answers, connect() would never settle, and the app would neither finish starting nor
    // stop (it closes the producer only once the start has given up). A metadata round trip takes
    // a bound on retries of its own, so it proves first that the cluster answers, failing with the
    // cause (ECONNREFUSED); the producer id then proves the producer can publish.
    await this.producer
      .metadata({ topics: [], forceUpdate: true, retries: this.connectRetries })
      .catch(rethrow());
    await this.producer.initIdempotentProducer({ acks: ProduceAcks.ALL }).catch(rethrow());
  }

  async send(
    batches: readonly TopicRecords[],
    compression: Compression,
  ): Promise<(RecordAck | undefined)[][]> {
    const topics = batches.map((b) => b.topic);
    try {
      // Cached by the library for metadataMaxAge: a round trip only when it is stale.
      const metadata = await this.producer.metadata({ topics });
      const messages = [];
      const routed: number[][] = [];
      for (const { topic, records } of batches) {
        const count = metadata.topics.get(topic)?.partitionsCount ?? 1;
        const partitions: number[] = [];
        for (const record of records) {
          const key = record.key === null ? undefined : toBuffer(record.key);
          const partition = key ? partitionOfKey(key, count) : this.roundRobin++ % count;
          partitions.push(partition);
          messages.push({
            topic,
            partition,
            key,
            value: record.value === null ? undefined : toBuffer(record.value),
            headers: headersOf(record.headers),
          });
        }
        routed.push(partitions);
      }
      const result = await this.producer.send({
        messages,
        acks: ProduceAcks.ALL,
        compression: compression === 'gzip' ? 'gzip' : 'none',
      });
      const answer = (result.offsets ?? []).map((o) => ({ ...o, baseOffset: o.offset }));
      return batches.map(({ topic }, i) => acksOf(topic, routed[i] ?? [], answer));
    } catch (error) {
      throw translate(error, { topic: topics.length === 1 ? topics[0] : undefined });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.close();
  }
}

/**
 * The library hands out a stream of single messages; the runtime wants per-partition batches. The
 * messages of one fetch response arrive together, so they are gathered per partition and handed
 * over once the current turn of the event loop ends. The stream has no pause of one partition:
 * pausing any pauses the whole stream, until every paused partition is resumed.
 *
 * Each generation of the group reads through a stream of its own: after a rebalance the old
 * stream (and whatever fetch it had in flight, from offsets of before) is dropped and a new one
 * starts from the group's committed offsets, so records never reach the runtime out of order.
 */
class PlatformaticConsumer implements ConsumerClient {
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private listener: ConsumerListener | undefined;
  private topics: string[] = [];
  private fromBeginning = true;
  private readonly gathered = new Map<string, FetchedBatch>();
  private flushScheduled = false;
  private readonly paused = new Set<string>();
  private revoked = false;
  private stopping = false;

  constructor(private readonly consumer: Consumer) {}

  async start(topics: readonly string[], fromBeginning: boolean, listener: ConsumerListener): Promise<void> {
    this.topics = [...topics];
    this.fromBeginning = fromBeginning;
    this.listener = listener;
    this.consumer.on('consumer:group:rebalance', () => this.onRebalance());
    this.consumer.on('consumer:group:join', () => void this.onJoin());
    this.stream = await this.openStream();
    listener.onJoined();
  }

  private async openStream(): Promise<MessagesStream<Buffer, Buffer, Buffer, Buffer>> {
    const stream = await this.consumer
      .consume({
        topics: this.topics,
        mode: 'committed',
        fallbackMode: this.fromBeginning ? 'earliest' : 'latest',
        autocommit: false,
      })
      .catch(rethrow());
    stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => this.take(stream, message));
    stream.on('error', (error: Error) => void this.onStreamError(stream, error));
    if (this.paused.size > 0) stream.pause();
    return stream;
  }

  private take(
    stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
    message: Message<Buffer, Buffer, Buffer, Buffer>,
  ) {
    if (stream !== this.stream || this.revoked) return;
    const id = `${message.topic}|${message.partition}`;
    let batch = this.gathered.get(id);
    if (!batch) {
      batch = { topic: message.topic, partition: message.partition, records: [] };
      this.gathered.set(id, batch);
    }
    batch.records.push(recordOf(message));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.gathered.values()];
    this.gathered.clear();
    if (this.revoked) return;
    for (const batch of batches) this.listener?.onBatch(batch);
  }

  private onRebalance(): void {
    if (this.revoked) return;
    this.revoked = true;
    this.gathered.clear();
    void this.listener?.onRevoked();
  }

  private async onJoin(): Promise<void> {
    if (!this.revoked || this.stopping || !this.stream) return;
    await this.replaceStream();
  }

  /** A fresh stream from the committed offsets; the old one is closed after (it holds the topics). */
  private async replaceStream(): Promise<void> {
    // A retry scheduled before stop() finds the consumer closed: nothing to reopen, nothing to report.
    if (this.stopping) return;
    const old = this.stream;
    this.stream = undefined;
    try {
      this.stream = await this.openStream();
      this.revoked = false;
      this.listener?.onJoined();
    } catch (error) {
      if (this.stopping) return;
      this.listener?.onCrash(error, true);
      setTimeout(() => void this.replaceStream(), timing.restartDelayMs).unref();
    } finally {
      await old?.close().catch(() => undefined);
    }
  }

  private async onStreamError(
    stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
    error: Error,
  ): Promise<void> {
    if (stream !== this.stream || this.stopping) return;
    const translated = translate(error);
    this.listener?.onCrash(translated, translated.retriable);
    if (!translated.retriable) return;
    // As kafkajs restarts after a retriable crash: give the work back, read again from the commits.
    this.onRebalance();
    await new Promise((resolve) => setTimeout(resolve, timing.restartDelayMs));
    if (!this.stopping) await this.replaceStream();
  }

  pause(partitions: readonly TopicPartitions[]): void {
    for (const { topic, partitions: ps } of partitions) for (const p of ps) this.paused.add(`${topic}|${p}`);
    if (this.paused.size > 0) this.stream?.pause();
  }

  resume(partitions: readonly TopicPartitions[]): void {
    for (const { topic, partitions: ps } of partitions)
      for (const p of ps) this.paused.delete(`${topic}|${p}`);
    if (this.paused.size === 0 && !this.stopping) this.stream?.resume();
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    await this.consumer
      .commit({
        offsets: offsets.map(({ topic, partition, offset }) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        })),
      })
      .catch(rethrow());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.stream?.close().catch(() => undefined);
    await this.consumer.close(true).catch(rethrow());
  }
}

function recordOf(message: Message<Buffer, Buffer, Buffer, Buffer>): ConsumedRecord {
  let headers: RecordHeaders | undefined;
  if (message.headers.size > 0) {
    headers = {};
    for (const [name, value] of message.headerEntries) {
      const key = name.toString();
      const previous = headers[key];
      headers[key] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
  }
  return {
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
  };
}

class PlatformaticAdmin implements AdminClient {
  private admin: Admin | undefined;

  constructor(private readonly create: () => Admin) {}

  private get client(): Admin {
    this.admin ??= this.create();
    return this.admin;
  }

  async connect(): Promise<void> {
    await this.describeCluster();
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.close().catch(() => undefined);
  }

  async describeCluster(): Promise<void> {
    await this.client.metadata({ topics: [], forceUpdate: true }).catch(rethrow());
  }

  async listTopics(): Promise<string[]> {
    return this.client.listTopics().catch(rethrow());
  }

  async createTopics(topics: readonly NewTopic[]): Promise<boolean> {
    let created = false;
    // One request per topic: the library sends one set of configs for all topics of a request.
    for (const topic of topics) {
      try {
        await this.client.createTopics({
          topics: [topic.name],
          partitions: topic.partitions,
          replicas: topic.replicationFactor,
          configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        });
        created = true;
      } catch (error) {
        const translated = translate(error, { topic: topic.name });
        if (translated.type !== 'TOPIC_ALREADY_EXISTS') throw translated;
      }
    }
    if (created) await this.waitForLeaders(topics.map((t) => t.name));
    return created;
  }

  /** As kafkajs's waitForLeaders: a topic is usable once each of its partitions has a leader. */
  private async waitForLeaders(names: string[]): Promise<void> {
    const deadline = Date.now() + timing.leaderWaitMs;
    for (;;) {
      const metadata = await this.client
        .metadata({ topics: names, forceUpdate: true })
        .catch(() => undefined);
      const ready = names.every((name) => {
        const partitions = metadata?.topics.get(name)?.partitions;
        return partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      if (Date.now() > deadline)
        throw new KafkaClientError(`leaders of ${names.join(', ')} not elected in time`, true, {
          type: 'LEADER_NOT_AVAILABLE',
        });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const metadata = await this.client.metadata({ topics: [...topics], forceUpdate: true }).catch(rethrow());
    return new Map([...metadata.topics].map(([name, topic]) => [name, topic.partitionsCount]));
  }

  async createPartitions(topic: string, count: number): Promise<void> {
    await this.client.createPartitions({ topics: [{ name: topic, count }] }).catch(rethrow(topic));
  }

  async listGroups(): Promise<string[]> {
    const groups = await this.client.listGroups().catch(rethrow());
    return [...groups.keys()];
  }

  async committedOffsets(groupId: string): Promise<PartitionOffset[]> {
    const [group] = await this.client.listConsumerGroupOffsets({ groups: [groupId] }).catch(rethrow());
    return (group?.topics ?? []).flatMap(({ name, partitions }) =>
      partitions
        .filter((p) => p.committedOffset >= 0n)
        .map((p) => ({ topic: name, partition: p.partitionIndex, offset: p.committedOffset.toString() })),
    );
  }

  async endOffsets(topics: readonly string[]): Promise<PartitionOffset[]> {
    if (topics.length === 0) return [];
    const counts = await this.partitionCounts(topics);
    const listed = await this.client
      .listOffsets({
        topics: topics.map((name) => ({
          name,
          // -1: the latest offset, i.e. the end (high watermark).
          partitions: Array.from({ length: counts.get(name) ?? 0 }, (_, partitionIndex) => ({
            partitionIndex,
            timestamp: -1n,
          })),
        })),
      })
      .catch(rethrow());
    return listed.flatMap(({ name, partitions }) =>
      partitions.map((p) => ({ topic: name, partition: p.partitionIndex, offset: p.offset.toString() })),
    );
  }
}

/** The library's errors, nested in MultipleErrors and causes, depth first. */
function* errorTree(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (typeof error !== 'object' || error === null || depth > 6) return;
  const e = error as Record<string, unknown>;
  yield e;
  if (Array.isArray(e['errors'])) for (const inner of e['errors']) yield* errorTree(inner, depth + 1);
  if (e['cause']) yield* errorTree(e['cause'], depth + 1);
}

/**
 * An error of the library in the runtime's terms. Retriable unless some error in it says it
 * cannot be retried, as the library decides its own retries; a timeout is retriable too (the
 * library marks it not retriable for its own loop, but to the runtime it is an outage).
 */
function translate(error: unknown, where: { topic?: string; partition?: number } = {}): KafkaClientError {
  if (error instanceof KafkaClientError) return error;
  const tree = [...errorTree(error)];
  const protocol = tree.find((e) => typeof e['apiId'] === 'string');
  const timedOut = tree.some((e) => e instanceof TimeoutError);
  const refused = tree.some((e) => e['canRetry'] === false && !(e instanceof TimeoutError));
  const generic = error instanceof GenericError;
  const message = error instanceof Error ? error.message : String(error);
  // The innermost error says what happened (ECONNREFUSED, the broker's refusal); the outer ones where.
  const inner = protocol ?? tree[tree.length - 1];
  const detail = inner && inner !== error ? `${message}: ${String(inner['message'])}` : message;
  return new KafkaClientError(detail, generic ? timedOut || !refused : true, {
    ...where,
    type: protocol ? String(protocol['apiId']) : undefined,
    cause: error,
  });
}

const rethrow =
  (topic?: string) =>
  (error: unknown): never => {
    throw translate(error, { topic });
  };
