import { Inject, Injectable } from '@nestjs/common';
import { Headers } from '@platform/contracts';
import { EventProducer } from '@platform/messaging';
import { DLQ_CONSUMER_CONFIG, type DlqConsumerConfig } from '../../config/dlq-consumer.config';
import { bytesOf } from '../../quarantine/domain/bytes';
import { PROVENANCE_HEADERS } from '../../quarantine/domain/dead-letter';
import {
  actedBy,
  type Actor,
  type HistoryEntry,
  type QuarantineEntry,
} from '../../quarantine/infrastructure/quarantine.model';
import { QuarantineMetrics } from '../../quarantine/infrastructure/quarantine.metrics';
import { QuarantineStore } from '../../quarantine/infrastructure/quarantine.store';
import { QuarantineTransitions } from '../../quarantine/infrastructure/quarantine-transitions';
import { EntryNotFound, NotQuarantined, NotReplayable, ReplayFailed } from '../../errors/dlq.errors';
import { ReplayRate } from '../domain/replay-rate';

/** What a group action did. */
export interface GroupOutcome {
  fingerprint: string;
  done: string[];
  failed: { id: string; error: string }[];
}

/**
 * Replays and discards. A replay writes the very key and value bytes to `<topic>.retry` with
 * `x-target-group` (only the group that failed handles it; the others already did) and
 * `x-replay-of` (if it fails again it returns to this entry), then marks the entry replayed,
 * recording who (the admin, and the OAuth client when an agent acted) and when. Written before marked: a crash in between leaves it quarantined and
 * a second replay possible, which consumers absorb (they are idempotent by event id).
 */
@Injectable()
export class Replayer {
  private readonly rate: ReplayRate;

  constructor(
    private readonly store: QuarantineStore,
    private readonly transitions: QuarantineTransitions,
    private readonly producer: EventProducer,
    private readonly metrics: QuarantineMetrics,
    @Inject(DLQ_CONSUMER_CONFIG) private readonly config: DlqConsumerConfig,
  ) {
    this.rate = new ReplayRate(config.DLQ_REPLAY_RATE_PER_SECOND);
  }

  async replay(id: string, by: Actor): Promise<QuarantineEntry> {
    const entry = await this.quarantined(id);
    if (!entry.consumerGroup) throw new NotReplayable(id);
    await this.rate.take();
    const headers: Record<string, Buffer | string> = {};
    for (const { name, value } of entry.headers) {
      if (!PROVENANCE_HEADERS.has(name)) headers[name] = bytesOf(value) ?? Buffer.alloc(0);
    }
    headers[Headers.targetGroup] = entry.consumerGroup;
    headers[Headers.replayOf] = entry._id;
    try {
      await this.producer.send(`${entry.topic}.retry`, [
        {
          key: bytesOf(entry.key),
          value: bytesOf(entry.value),
          headers,
        },
      ]);
    } catch (error) {
      this.metrics.recordReplay(entry.topic, 'failed');
      await this.transitions.note(id, {
        at: new Date(),
        action: 'replay-failed',
        ...actedBy(by),
        detail: String(error).slice(0, 1_000),
      });
      throw new ReplayFailed(id, error);
    }
    this.metrics.recordReplay(entry.topic, 'published');
    const line: HistoryEntry = {
      at: new Date(),
      action: 'replayed',
      ...actedBy(by),
      detail: `to ${entry.topic}.retry for ${entry.consumerGroup}`,
    };
    // Only if it has not failed again yet: a fast consumer can send the replay back to quarantine
    // before this line runs, and then the entry must stay quarantined.
    const replayed = await this.transitions.leave(id, 'replayed', line, entry.failures);
    if (replayed) return { ...entry, ...replayed };
    // Failed again, discarded or replayed by someone else meanwhile: the replay went out all the
    // same, so it is recorded without moving the entry.
    await this.transitions.note(id, line);
    return (await this.store.get(id)) ?? entry;
  }

  async discard(id: string, by: Actor, reason: string): Promise<QuarantineEntry> {
    const entry = await this.quarantined(id);
    const discarded = await this.transitions.leave(id, 'discarded', {
      at: new Date(),
      action: 'discarded',
      ...actedBy(by),
      detail: reason,
    });
    if (!discarded) throw new NotQuarantined(id, 'no longer quarantined');
    this.metrics.recordDiscard(entry.topic);
    return { ...entry, ...discarded };
  }

  /** Replays a group, oldest first (per-key order kept), up to DLQ_MAX_GROUP_ACTION messages. */
  async replayGroup(fingerprint: string, by: Actor): Promise<GroupOutcome> {
    return this.forGroup(fingerprint, (id) => this.replay(id, by));
  }

  async discardGroup(fingerprint: string, by: Actor, reason: string): Promise<GroupOutcome> {
    return this.forGroup(fingerprint, (id) => this.discard(id, by, reason));
  }

  private async forGroup(
    fingerprint: string,
    action: (id: string) => Promise<unknown>,
  ): Promise<GroupOutcome> {
    const outcome: GroupOutcome = { fingerprint, done: [], failed: [] };
    for (const id of await this.transitions.idsOfGroup(fingerprint, this.config.DLQ_MAX_GROUP_ACTION)) {
      try {
        await action(id);
        outcome.done.push(id);
      } catch (error) {
        outcome.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcome;
  }

  private async quarantined(id: string): Promise<QuarantineEntry> {
    const entry = await this.store.get(id);
    if (!entry) throw new EntryNotFound(id);
    if (entry.status !== 'quarantined') throw new NotQuarantined(id, entry.status);
    return entry;
  }
}
