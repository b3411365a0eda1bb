import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Prometheus metrics of one outbox relay. Backlog and age are read from the table at scrape
 * time, so they count the rows every relay instance has left, not what this one remembers.
 */
export class OutboxMetrics {
  private readonly published: Counter<'table'>;
  private readonly failures: Counter<'table'>;
  private readonly heldBack: Counter<'table'>;
  private readonly labels: { table: string };

  constructor(
    registry: Registry,
    table: string,
    backlog: () => Promise<{ count: number; oldestAgeSeconds: number; held: number }>,
  ) {
    const labels = { table };
    this.labels = labels;
    // One query per scrape feeds both gauges; a failed query keeps the last values.
    let lastScrape:
      Promise<{ count: number; oldestAgeSeconds: number; held: number } | undefined> | undefined;
    const read = () => {
      lastScrape ??= backlog()
        .catch(() => undefined)
        .finally(() => setTimeout(() => (lastScrape = undefined), 0));
      return lastScrape;
    };
    new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet published',
      labelNames: ['table'],
      registers: [registry],
      async collect() {
        const value = await read();
        if (value) this.set(labels, value.count);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none)',
      labelNames: ['table'],
      registers: [registry],
      async collect() {
        const value = await read();
        if (value) this.set(labels, value.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'outbox_held_rows',
      help: 'Unsent outbox rows held back after the broker refused them (their keys wait)',
      labelNames: ['table'],
      registers: [registry],
      async collect() {
        const value = await read();
        if (value) this.set(labels, value.held);
      },
    });
    this.heldBack = new Counter({
      name: 'outbox_rows_held_back_total',
      help: 'Times a row the broker refused was held back for a later attempt',
      labelNames: ['table'],
      registers: [registry],
    });
    this.published = new Counter({
      name: 'outbox_published_total',
      help: 'Outbox rows published and marked sent',
      labelNames: ['table'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Relay batches that failed (publish or database) and were retried',
      labelNames: ['table'],
      registers: [registry],
    });
    this.published.inc(labels, 0);
    this.failures.inc(labels, 0);
    this.heldBack.inc(labels, 0);
  }

  /** Counts rows published and marked sent. */
  recordPublished(count: number): void {
    this.published.inc(this.labels, count);
  }

  /** Counts a row held back after the broker refused it. */
  recordHeldBack(): void {
    this.heldBack.inc(this.labels);
  }

  /** Counts a failed batch. */
  recordFailure(): void {
    this.failures.inc(this.labels);
  }
}
