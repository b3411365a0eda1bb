import type { ConsumerClient, FetchedBatch, KafkaClient } from '../client/kafka-client';
import { retryTopicOf } from '@platform/contracts';
import { errorClassOf } from '../errors';
import { MessagingMetrics } from '../metrics';
import type { EventProducer } from '../producer/event-producer';
import { BatchProcessor } from './batch-processor';
import { BatchWorker } from './batch-worker';
import type { BatchHandler, EventHandlerFn, MessageDecoder } from './handler';
import { MessageProcessor } from './message-processor';
import { PartitionWorker, type CommitListener } from './partition-worker';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy';
import { silentRuntimeLogger, type RuntimeLogger } from './runtime-logger';
import { Semaphore } from './semaphore';

/** A consumer group's settings. Times in ms. */
export interface ConsumerRuntimeOptions {
  groupId: string;
  /** Topics to consume; their `<topic>.retry` (replays) too, unless consumeRetryTopics is false. */
  topics: readonly string[];
  handlers: ReadonlyMap<string, EventHandlerFn>;
  /**
   * Handlers that take a batch of events per call, by type (see BatchProcessor). A group runs
   * per-event handlers or batch handlers, not both.
   */
  batchHandlers?: ReadonlyMap<string, BatchHandler>;
  /** Bytes to event; throwing sends the record to the DLQ. */
  decode: MessageDecoder;
  /** Writes dead letters; usually the app's EventProducer. */
  dlqProducer: EventProducer;
  /** The app's metrics (MessagingMetrics.for(registry)). Default: metrics nobody scrapes. */
  metrics?: MessagingMetrics;
  /** Default: a logger that says nothing. */
  logger?: RuntimeLogger;
  retry?: Partial<RetryPolicy>;
  consumeRetryTopics?: boolean;
  /** A new group starts at the earliest offset (true) or only sees new records (false). */
  fromBeginning?: boolean;
  /** Handlers running at once, all partitions together (calls, for batch handlers). */
  maxConcurrentHandlers?: number;
  /** Above this many unfinished records a partition is paused until half of them are done. */
  maxInFlightPerPartition?: number;
  commitIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long stop() waits for running handlers before giving their records back. */
  shutdownTimeoutMs?: number;
  /**
   * After a rebalance, a partition given back that has fetched nothing here for this long has
   * moved to another member: its lag and in-flight series are removed, so no stale value lingers
   * beside the new owner's. Kept until then, so one that comes back reads on without a gap.
   */
  movedAfterMs?: number;
}

const defaults = {
  consumeRetryTopics: true,
  fromBeginning: true,
  maxConcurrentHandlers: 64,
  maxInFlightPerPartition: 5_000,
  commitIntervalMs: 500,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  shutdownTimeoutMs: 15_000,
  movedAfterMs: 30_000,
};

/**
 * The consumer runtime: fetches batches through the client port and hands each partition to a
 * PartitionWorker (per-key order, keys in parallel, retries in place, DLQ), or to a BatchWorker
 * for a group of batch handlers (batches in offset order, split on failure), committing only
 * offsets below which every record is done. The fetch loop never waits for handlers, so
 * heartbeats keep flowing however long a handler takes, and a slow key never stalls the group.
 */
export class ConsumerRuntime {
  private readonly consumer: ConsumerClient;
  private readonly settings: typeof defaults &
    Required<Pick<ConsumerRuntimeOptions, 'metrics' | 'logger'>> &
    ConsumerRuntimeOptions;
  private readonly processor: MessageProcessor;
  private readonly batchProcessor: BatchProcessor | undefined;
  private readonly workers = new Map<string, PartitionWorker | BatchWorker>();
  private readonly positions = new Map<string, { topic: string; partition: number; offset: number }>();
  private readonly highWatermarks = new Map<string, number>();
  private readonly paused = new Set<string>();
  /** Partitions given back in a rebalance and not fetched since, with when they were given back. */
  private readonly givenBack = new Map<string, { topic: string; partition: number; at: number }>();
  private commitTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private joined = false;
  private crash: { error: unknown; restart: boolean } | undefined;

  constructor(client: KafkaClient, options: ConsumerRuntimeOptions) {
    this.settings = {
      ...defaults,
      ...options,
      metrics: options.metrics ?? MessagingMetrics.detached(),
      logger: options.logger ?? silentRuntimeLogger,
    };
    const { groupId, sessionTimeoutMs, heartbeatIntervalMs, metrics } = this.settings;
    const batchHandlers = options.batchHandlers ?? new Map<string, BatchHandler>();
    if (batchHandlers.size > 0 && options.handlers.size > 0)
      throw new Error(
        `consumer group ${groupId} has per-event handlers (${[...options.handlers.keys()].join(', ')}) and batch handlers (${[...batchHandlers.keys()].join(', ')}): a group runs one kind`,
      );
    this.consumer = client.consumer({ groupId, sessionTimeoutMs, heartbeatIntervalMs });
    const retry = { ...defaultRetryPolicy, ...options.retry };
    const handlerSlots = new Semaphore(this.settings.maxConcurrentHandlers);
    this.processor = new MessageProcessor({
      groupId,
      decode: options.decode,
      handlers: options.handlers,
      retry,
      dlqProducer: options.dlqProducer,
      metrics,
      logger: this.settings.logger,
      handlerSlots,
    });
    if (batchHandlers.size > 0) {
      this.batchProcessor = new BatchProcessor({
        groupId,
        decode: options.decode,
        handlers: batchHandlers,
        retry,
        metrics,
        handlerSlots,
        records: this.processor,
      });
    }
  }

  /** The consumer group this runtime is a member of. */
  get groupId(): string {
    return this.settings.groupId;
  }

  /** The topics this group reads: the given ones and, unless disabled, their retry topics. */
  get subscribedTopics(): string[] {
    const { topics, consumeRetryTopics } = this.settings;
    return consumeRetryTopics ? [...topics, ...topics.map(retryTopicOf)] : [...topics];
  }

  /**
   * Whether the group consumes, and if not why: it has not joined yet (the client restarts a join
   * that failed for a retriable reason by itself), or the client gave it up after a crash it does not
   * restart from. Undefined once joined and running.
   */
  notConsuming(): string | undefined {
    const { crash } = this;
    const crashed = crash ? `${errorClassOf(crash.error)}: ${(crash.error as Error).message}` : '';
    if (crash && !crash.restart) return `stopped after a crash it is not restarted from: ${crashed}`;
    if (!this.joined) return crash ? `joining the group (restarting after ${crashed})` : 'joining the group';
    return undefined;
  }

  /**
   * Joins the group and starts consuming; resolves once the consumer runs. A join that fails does
   * not reject: the client restarts it (see notConsuming). Connecting and subscribing do reject, and
   * leave the runtime to be stopped.
   */
  async start(): Promise<void> {
    await this.consumer.start(this.subscribedTopics, this.settings.fromBeginning, {
      onBatch: (batch) => this.onBatch(batch),
      // Eager rebalancing revokes every partition: give back all unfinished work before rejoining.
      onRevoked: () => this.giveBackAll('rebalance'),
      onJoined: () => {
        this.joined = true;
        this.crash = undefined;
        void this.giveBackAll('joined');
      },
      onCrash: (error, restart) => {
        this.crash = { error, restart };
        if (!restart) this.joined = false;
      },
    });
    this.commitTimer = setInterval(() => {
      this.forgetMovedPartitions();
      void this.flushCommits();
    }, this.settings.commitIntervalMs);
  }

  /**
   * Graceful stop: fetch nothing more, let running handlers finish (up to shutdownTimeoutMs),
   * give back what waits for a retry, commit what is done, leave the group.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const assigned = [...this.workers.values()];
    if (assigned.length > 0) {
      this.consumer.pause(assigned.map((w) => ({ topic: w.topic, partitions: [w.partition] })));
    }
    for (const worker of assigned) worker.stop();
    const settled = await Promise.all(assigned.map((w) => w.settled(this.settings.shutdownTimeoutMs)));
    if (settled.includes(false)) {
      this.settings.logger.warn(
        { group: this.settings.groupId },
        'handlers still running at shutdown; their records will be redelivered',
      );
    }
    clearInterval(this.commitTimer);
    await this.flushCommits();
    await this.consumer.stop();
  }

  private onBatch(batch: FetchedBatch): void {
    const { topic, partition } = batch;
    const id = `${topic}|${partition}`;
    this.givenBack.delete(id);
    if (this.stopping || batch.records.length === 0) return;
    let worker = this.workers.get(id);
    if (!worker) {
      const onCommittable: CommitListener = (position) => this.onCommittable(id, topic, partition, position);
      worker = this.batchProcessor
        ? new BatchWorker(topic, partition, this.batchProcessor, onCommittable)
        : new PartitionWorker(topic, partition, this.processor, onCommittable);
      this.workers.set(id, worker);
    }
    this.settings.metrics.consumed.inc({ topic, group: this.settings.groupId }, batch.records.length);
    worker.enqueue(batch.records);
    // The fetch position moves on at once; the commit position follows the work (onCommittable).
    if (batch.highWatermark !== undefined) this.highWatermarks.set(id, Number(batch.highWatermark));
    this.observe(id, worker);
    if (worker.inFlight >= this.settings.maxInFlightPerPartition && !this.paused.has(id)) {
      this.paused.add(id);
      this.consumer.pause([{ topic, partitions: [partition] }]);
    }
  }

  private onCommittable(id: string, topic: string, partition: number, offset: number): void {
    this.positions.set(id, { topic, partition, offset });
    if (!this.paused.has(id) || this.stopping) return;
    const worker = this.workers.get(id);
    if (worker && worker.inFlight <= this.settings.maxInFlightPerPartition / 2) {
      this.paused.delete(id);
      this.consumer.resume([{ topic, partitions: [partition] }]);
    }
  }

  private observe(id: string, worker: PartitionWorker | BatchWorker): void {
    const labels = { topic: worker.topic, partition: String(worker.partition), group: this.settings.groupId };
    const highWatermark = this.highWatermarks.get(id);
    if (highWatermark !== undefined)
      this.settings.metrics.lag.set(labels, Math.max(0, highWatermark - worker.commitPosition));
    this.settings.metrics.inFlight.set(labels, worker.inFlight);
  }

  private async flushCommits(): Promise<void> {
    if (this.positions.size === 0) return;
    // Gauges move with commits (every commitIntervalMs), not with every record: label hashing
    // per record showed up in the consume profile.
    for (const id of this.positions.keys()) {
      const worker = this.workers.get(id);
      if (worker) this.observe(id, worker);
    }
    const offsets = [...this.positions.values()].map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset: String(offset),
    }));
    this.positions.clear();
    try {
      await this.consumer.commit(offsets);
    } catch (error) {
      // Lost to a rebalance: the next owner starts from the last commit and redelivers the rest.
      this.settings.logger.warn(
        { group: this.settings.groupId, err: error },
        'offset commit failed; records after the last commit will be redelivered',
      );
    }
  }

  /** Removes the series of partitions given back long enough ago that another member has them. */
  private forgetMovedPartitions(): void {
    const now = Date.now();
    for (const [id, { topic, partition, at }] of this.givenBack) {
      if (now - at < this.settings.movedAfterMs) continue;
      const labels = { topic, partition: String(partition), group: this.settings.groupId };
      this.settings.metrics.lag.remove(labels);
      this.settings.metrics.inFlight.remove(labels);
      this.highWatermarks.delete(id);
      this.givenBack.delete(id);
    }
  }

  private async giveBackAll(cause: 'rebalance' | 'joined'): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    const at = Date.now();
    for (const worker of workers) {
      const id = `${worker.topic}|${worker.partition}`;
      if (!this.givenBack.has(id))
        this.givenBack.set(id, { topic: worker.topic, partition: worker.partition, at });
    }
    for (const worker of workers) worker.stop();
    if (cause === 'rebalance') await this.flushCommits();
    this.positions.clear();
    if (this.paused.size > 0 && !this.stopping) {
      this.consumer.resume(
        [...this.paused].map((id) => {
          const [topic, partition] = id.split('|') as [string, string];
          return { topic, partitions: [Number(partition)] };
        }),
      );
      this.paused.clear();
    }
  }
}
