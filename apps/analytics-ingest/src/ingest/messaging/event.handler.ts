import { Controller, type OnApplicationBootstrap } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { decodeEvent, type DomainEvent } from '@platform/contracts';
import {
  DependencyUnavailableError,
  PermanentError,
  type KafkaBatchContext,
  type MessageDecoder,
} from '@platform/messaging';
import { AnalyticsStore } from '../../clickhouse/analytics.store';
import { toEventRow } from '../../clickhouse/event-row';
import { areRowsRejected } from '../../clickhouse/rows-rejected';
import { IngestMetrics } from '../infrastructure/ingest.metrics';

/**
 * Any catalog event, decoded (and upcast) as usual; undecodable records still go to the DLQ. The
 * group decodes every record to this one type, so one handler takes them all.
 */
export interface AnyEvent {
  type: 'AnyEvent';
  event: DomainEvent;
}

export const decodeAnyEvent: MessageDecoder<AnyEvent> = (value, record) => ({
  type: 'AnyEvent',
  event: decodeEvent(value, record),
});

/**
 * The write path: the runtime hands over a batch of events (up to ANALYTICS_BATCH_MAX_ROWS, from
 * every partition fetched within ANALYTICS_BATCH_MAX_WAIT_MS) and they become one ClickHouse
 * insert. The runtime commits their offsets only once ClickHouse acknowledged it.
 *
 * - ClickHouse failing for any reason but the rows (down, too many parts, a timeout) is an outage:
 *   the batch is retried as long as it lasts, and with the batch waiting, the fetch pauses once a
 *   partition has too many records in flight. Nothing is held only in memory.
 * - Rows ClickHouse refuses for their content are the records' fault: the runtime splits the
 *   batch until the one record that fails alone goes to the DLQ, and its neighbours are written.
 * - A batch written twice (a crash before the commit, a split after a partial write) is absorbed
 *   by ReplacingMergeTree on event_id.
 */
@Controller()
export class EventIngestHandler implements OnApplicationBootstrap {
  constructor(
    private readonly store: AnalyticsStore,
    private readonly metrics: IngestMetrics,
  ) {}

  /** Freshness starts from what ClickHouse holds (the schema exists once modules are initialised). */
  async onApplicationBootstrap(): Promise<void> {
    this.metrics.newestOccurredAtMs = await this.store.newestOccurredAtMs();
  }

  @EventPattern('AnyEvent', { batch: true })
  async onEvents(@Payload() records: AnyEvent[], @Ctx() context: KafkaBatchContext): Promise<void> {
    const now = Date.now();
    const rows = records.map((record, i) =>
      toEventRow(record.event, (context.records[i] as { topic: string }).topic, now),
    );
    const started = performance.now();
    try {
      await this.store.insert(rows);
    } catch (error) {
      this.metrics.recordBatch(rows.length, (performance.now() - started) / 1000, false);
      if (areRowsRejected(error))
        throw new PermanentError('ClickHouse refused the rows of the batch', { cause: error });
      throw new DependencyUnavailableError('ClickHouse', { cause: error });
    }
    this.metrics.recordBatch(rows.length, (performance.now() - started) / 1000, true);
    for (const row of rows) this.metrics.recordIngested(row.occurred_at_ms);
  }
}
