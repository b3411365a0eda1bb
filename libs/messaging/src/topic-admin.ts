import { topicConfigsOwnedBy, type TopicOwner } from '@platform/contracts';
import type { Admin } from 'kafkajs';
import type { NewTopic, TopicAdmin } from './client/kafka-client';
import { kafkajsTopicAdmin } from './client/kafkajs.client';

/** What a topic must look like. The service that owns a topic declares it; nothing is auto-created. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** 1 on a single-broker development cluster, 3 in production. */
  replicationFactor?: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '604800000', 'min.insync.replicas': '2' }`. */
  configs?: Record<string, string>;
}

/** A topic exists with fewer partitions than its spec asks for (Kafka can only grow them). */
export class TopicSpecMismatch extends Error {
  override readonly name = 'TopicSpecMismatch';
  readonly code = 'MESSAGING.TOPIC_SPEC_MISMATCH';
  readonly retriable = false;

  constructor(
    readonly topic: string,
    readonly detail: string,
  ) {
    super(`topic ${topic}: ${detail}`);
  }
}

/**
 * Topics a consumer needs do not exist (yet): their owner has not created them. Retriable: the
 * owner may be starting at the same time, and creates them with the registry's spec.
 */
export class TopicsMissing extends Error {
  override readonly name = 'TopicsMissing';
  readonly code = 'MESSAGING.TOPICS_MISSING';
  readonly retriable = true;

  constructor(readonly topics: readonly string[]) {
    super(`topics not found: ${topics.join(', ')}`);
  }
}

/**
 * Resolves when every topic in `names` exists, else throws {@link TopicsMissing} naming the
 * missing ones. A consumer asks this before it subscribes: kafkajs's subscribe only says "This
 * server does not host this topic-partition", without the topic's name.
 */
export async function requireTopics(admin: TopicAdmin, names: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((name) => !existing.has(name));
  if (missing.length > 0) throw new TopicsMissing(missing);
}

/** What {@link ensureTopics} did, topic by topic. */
export interface EnsureTopicsResult {
  created: string[];
  grown: string[];
  unchanged: string[];
}

/** Bounds of {@link ensureTopics}'s retries of a retriable broker answer. */
const ENSURE_RETRY = { attempts: 8, initialDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Makes every topic in `specs` exist with at least its partition count, idempotently: missing
 * topics are created (waiting for leaders), topics with fewer partitions are grown. Growing
 * changes which partition a key maps to, so it is refused unless `allowPartitionGrowth` is set.
 *
 * Several apps start at once on a fresh broker and create the same topics: one of them may list
 * a topic another has just created before the broker hosts its partitions (a retriable
 * UNKNOWN_TOPIC_OR_PARTITION). Retriable answers are retried with backoff, a few seconds in all;
 * a topic created by the attempt that failed is then reported as unchanged.
 */
export async function ensureTopics(
  admin: TopicAdmin | Admin,
  specs: readonly TopicSpec[],
  options: { allowPartitionGrowth?: boolean } = {},
): Promise<EnsureTopicsResult> {
  const topics = asTopicAdmin(admin);
  for (let attempt = 1, delayMs = ENSURE_RETRY.initialDelayMs; ; attempt++) {
    try {
      return await ensureTopicsOnce(topics, specs, options);
    } catch (error) {
      if (!worthRetrying(error) || attempt >= ENSURE_RETRY.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, ENSURE_RETRY.maxDelayMs);
    }
  }
}

/** Tests and tools hold a kafkajs Admin where the runtime holds the port. */
function asTopicAdmin(admin: TopicAdmin | Admin): TopicAdmin {
  return 'partitionCounts' in admin ? admin : kafkajsTopicAdmin(admin);
}

/**
 * A retriable broker error, or kafkajs's aggregate of per-topic errors where each one is
 * retriable or says another caller created the topic first (the next attempt finds it).
 */
function worthRetrying(error: unknown): boolean {
  const e = error as { retriable?: unknown; errors?: { type?: string; retriable?: unknown }[] };
  if (e.retriable === true) return true;
  return (
    Array.isArray(e.errors) &&
    e.errors.length > 0 &&
    e.errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS' || inner.retriable === true)
  );
}

async function ensureTopicsOnce(
  admin: TopicAdmin,
  specs: readonly TopicSpec[],
  { allowPartitionGrowth = false }: { allowPartitionGrowth?: boolean },
): Promise<EnsureTopicsResult> {
  const result: EnsureTopicsResult = { created: [], grown: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());

  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length > 0) {
    // false: every one of them was created by another caller in the meantime.
    const createdHere = await admin.createTopics(missing.map(toNewTopic));
    (createdHere ? result.created : result.unchanged).push(...missing.map((spec) => spec.name));
  }

  const present = specs.filter((spec) => existing.has(spec.name));
  if (present.length === 0) return result;
  const partitionsByTopic = await admin.partitionCounts(present.map((spec) => spec.name));
  for (const spec of present) {
    const actual = partitionsByTopic.get(spec.name) ?? 0;
    if (actual >= spec.partitions) {
      result.unchanged.push(spec.name);
      continue;
    }
    if (!allowPartitionGrowth) {
      throw new TopicSpecMismatch(
        spec.name,
        `has ${actual} partitions, spec asks for ${spec.partitions}; growing remaps keys, pass allowPartitionGrowth to do it`,
      );
    }
    await admin.createPartitions(spec.name, spec.partitions);
    result.grown.push(spec.name);
  }
  return result;
}

function toNewTopic(spec: TopicSpec): NewTopic {
  return {
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor: spec.replicationFactor ?? 1,
    configs: spec.configs ?? {},
  };
}

/** A registry topic (name, partitions, retention) as an ensureTopics spec. */
export function topicSpecsOf(
  configs: readonly { name: string; partitions: number; retentionMs: number }[],
  replicationFactor: number,
): TopicSpec[] {
  return configs.map(({ name, partitions, retentionMs }) => ({
    name,
    partitions,
    replicationFactor,
    configs: {
      'retention.ms': String(retentionMs),
      // With 3 replicas, an acks=all write survives one broker down; with 1, there is no choice.
      'min.insync.replicas': String(Math.min(2, replicationFactor)),
    },
  }));
}

/**
 * Makes `owners`' registry topics (each live topic with its retry and DLQ topics) exist as those
 * services create them at start: the registry's partitions and retention, idempotently. A test
 * that runs a consumer without the owners of what it reads calls it, as the owners would.
 */
export async function ensureTopicsOf(
  admin: TopicAdmin | Admin,
  owners: readonly TopicOwner[],
  replicationFactor = 1,
): Promise<EnsureTopicsResult> {
  return ensureTopics(admin, topicSpecsOf(owners.flatMap(topicConfigsOwnedBy), replicationFactor));
}
