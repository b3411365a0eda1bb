import { Inject, Injectable } from '@nestjs/common';
import { allTopics } from '@platform/contracts';
import { METRICS_REGISTRY } from '@platform/observability';
import { Counter, Gauge, type Registry } from 'prom-client';
import { QuarantineQueries } from './quarantine.queries';

/**
 * The DLQ's Prometheus metrics. Sizes and ages are read from the store at scrape time, so they
 * count what every instance has quarantined; counters count what this instance did.
 */
@Injectable()
export class QuarantineMetrics {
  private readonly quarantined: Counter<'topic' | 'fingerprint' | 'outcome'>;
  private readonly replays: Counter<'topic' | 'outcome'>;
  private readonly discards: Counter<'topic'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, queries: QuarantineQueries) {
    this.quarantined = new Counter({
      name: 'dlq_quarantined_total',
      help: 'Dead letters quarantined (outcome quarantined) or returned after a replay failed again (failed-again)',
      labelNames: ['topic', 'fingerprint', 'outcome'],
      registers: [registry],
    });
    this.replays = new Counter({
      name: 'dlq_replays_total',
      help: 'Replays from quarantine: published to <topic>.retry, or failed to publish',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    });
    this.discards = new Counter({
      name: 'dlq_discards_total',
      help: 'Quarantined messages discarded by an operator',
      labelNames: ['topic'],
      registers: [registry],
    });
    // One query per scrape feeds both gauges; a failed query keeps the last values.
    let scrape: Promise<{ topic: string; count: number; oldest: Date }[] | undefined> | undefined;
    const read = () => {
      scrape ??= queries
        .stats()
        .catch(() => undefined)
        .finally(() => setTimeout(() => (scrape = undefined), 0));
      return scrape;
    };
    new Gauge({
      name: 'dlq_quarantined_messages',
      help: 'Messages in quarantine now, per live topic',
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        const stats = await read();
        if (!stats) return;
        this.reset();
        // Every live topic has a series, 0 when nothing of it is quarantined: a dashboard or an
        // alert then sees "none" instead of no data (and a topic's series does not vanish once
        // its last entry is replayed).
        for (const topic of allTopics()) this.set({ topic: topic.name }, 0);
        for (const { topic, count } of stats) this.set({ topic }, count);
      },
    });
    new Gauge({
      name: 'dlq_oldest_quarantined_age_seconds',
      help: 'Age of the oldest message in quarantine (0 when none)',
      registers: [registry],
      async collect() {
        const stats = await read();
        if (!stats) return;
        const oldest = Math.min(...stats.map((s) => new Date(s.oldest).getTime()));
        this.set(Number.isFinite(oldest) ? (Date.now() - oldest) / 1000 : 0);
      },
    });
  }

  recordQuarantined(topic: string, fingerprint: string, outcome: 'quarantined' | 'failed-again'): void {
    this.quarantined.inc({ topic, fingerprint, outcome });
  }

  recordReplay(topic: string, outcome: 'published' | 'failed'): void {
    this.replays.inc({ topic, outcome });
  }

  recordDiscard(topic: string): void {
    this.discards.inc({ topic });
  }
}
