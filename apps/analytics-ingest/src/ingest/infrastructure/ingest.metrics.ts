import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@platform/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The write path's metrics: batch sizes and write latency, failures, and freshness. */
@Injectable()
export class IngestMetrics {
  private readonly rows: Histogram;
  private readonly seconds: Histogram;
  private readonly failures: Counter;
  /** occurredAt of the newest event ClickHouse acknowledged, epoch ms. */
  newestOccurredAtMs: number | null = null;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.rows = new Histogram({
      name: 'analytics_batch_rows',
      help: 'Rows per batch written to ClickHouse',
      buckets: [1, 10, 50, 100, 500, 1_000, 2_000, 5_000, 10_000, 50_000],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'analytics_batch_write_seconds',
      help: 'Time to write one batch to ClickHouse (until acknowledged)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'analytics_batch_failures_total',
      help: 'Batches ClickHouse did not acknowledge (their rows are retried, offsets not committed)',
      registers: [registry],
    });
    const newest = () => this.newestOccurredAtMs;
    new Gauge({
      name: 'analytics_freshness_seconds',
      help: 'now - occurredAt of the newest event ingested into ClickHouse (grows while nothing arrives)',
      registers: [registry],
      collect() {
        const at = newest();
        if (at !== null) this.set((Date.now() - at) / 1000);
      },
    });
  }

  recordBatch(rows: number, seconds: number, ok: boolean): void {
    this.rows.observe(rows);
    this.seconds.observe(seconds);
    if (!ok) this.failures.inc();
  }

  recordIngested(occurredAtMs: number): void {
    if (this.newestOccurredAtMs === null || occurredAtMs > this.newestOccurredAtMs)
      this.newestOccurredAtMs = occurredAtMs;
  }
}
