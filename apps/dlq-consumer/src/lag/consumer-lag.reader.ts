import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { KAFKA_CLIENT, type AdminClient, type KafkaClient, type PartitionOffset } from '@platform/messaging';
import { DLQ_CONSUMER_CONFIG, type DlqConsumerConfig } from '../config/dlq-consumer.config';
import { LagUnavailable } from '../errors/dlq.errors';
import { groupLagOf, type GroupLag } from './consumer-lag';

/** Groups whose committed offsets are asked for at once: one request each, to their coordinators. */
const GROUPS_IN_FLIGHT = 8;

/**
 * Reads the consumer lag of the cluster's groups with an admin client of its own, connected on
 * first use. Every answer is bounded by DLQ_LAG_TIMEOUT_MS: an admin asking during a Kafka outage
 * gets a 503 DLQ.LAG_UNAVAILABLE, not a request that hangs for the client's retries.
 */
@Injectable()
export class ConsumerLagReader implements OnApplicationShutdown {
  private readonly admin: AdminClient;
  private connecting: Promise<void> | undefined;
  private readonly timeoutMs: number;

  constructor(
    @Inject(KAFKA_CLIENT) client: KafkaClient,
    @Inject(DLQ_CONSUMER_CONFIG) config: DlqConsumerConfig,
  ) {
    // The timeout bounds the request; retries inside the client would only outlive it.
    this.admin = client.withRetries(1).admin();
    this.timeoutMs = config.DLQ_LAG_TIMEOUT_MS;
  }

  /** The lag of `groupId`, or of every group, largest total first. Throws LagUnavailable (503). */
  async read(groupId?: string): Promise<GroupLag[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LagUnavailable(`Kafka did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.readNow(groupId), timeout]);
    } catch (error) {
      if (error instanceof LagUnavailable) throw error;
      throw new LagUnavailable(error instanceof Error ? error.message : String(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }

  private async readNow(groupId: string | undefined): Promise<GroupLag[]> {
    await this.connected();
    const groupIds = groupId === undefined ? (await this.admin.listGroups()).sort() : [groupId];
    const committed = await this.committedOffsetsOf(groupIds);
    // Only topics that still exist: a group may have committed on one deleted since.
    const existing = new Set(await this.admin.listTopics());
    const topics = [...new Set([...committed.values()].flat().map((o) => o.topic))].filter((t) =>
      existing.has(t),
    );
    const ends = await this.admin.endOffsets(topics);
    return groupIds
      .map((id) => groupLagOf(id, committed.get(id) ?? [], ends))
      .sort((a, b) => b.totalLag - a.totalLag || (a.groupId < b.groupId ? -1 : 1));
  }

  private async committedOffsetsOf(groupIds: readonly string[]): Promise<Map<string, PartitionOffset[]>> {
    const committed = new Map<string, PartitionOffset[]>();
    for (let at = 0; at < groupIds.length; at += GROUPS_IN_FLIGHT) {
      const slice = groupIds.slice(at, at + GROUPS_IN_FLIGHT);
      const offsets = await Promise.all(slice.map((id) => this.admin.committedOffsets(id)));
      slice.forEach((id, i) => committed.set(id, offsets[i] ?? []));
    }
    return committed;
  }

  /** One connection attempt at a time; a failed one is tried again by the next request. */
  private async connected(): Promise<void> {
    this.connecting ??= this.admin.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
  }
}
