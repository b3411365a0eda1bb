import { Controller, Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { decodeEvent, type DomainEvent } from '@platform/contracts';
import { RetriableError, type KafkaContext, type MessageDecoder } from '@platform/messaging';
import { ANALYTICS_INGEST_CONFIG, type AnalyticsIngestConfig } from '../../config/analytics-ingest.config';
import { AnalyticsStore } from '../../clickhouse/analytics.store';
import { toEventRow, type EventRow } from '../../clickhouse/event-row';
import { IngestMetrics } from '../infrastructure/ingest.metrics';
import { MicroBatcher } from '../application/micro-batcher';

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
 * The write path: every event becomes a row in a micro-batch; the handler returns when ClickHouse
 * acknowledged the batch, so the runtime commits an offset only for rows ClickHouse has. A failed
 * batch fails its handlers with a retriable error: the runtime retries them (the app's retry
 * policy waits as long as ClickHouse is down) and, with every handler waiting, pauses fetching
 * once a partition has too many in flight. Nothing is held only in memory: an uncommitted
 * offset is refetched after a crash, and ReplacingMergeTree absorbs the rows written twice.
 */
@Controller()
export class EventIngestHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly batcher: MicroBatcher<EventRow>;

  constructor(
    private readonly store: AnalyticsStore,
    private readonly metrics: IngestMetrics,
    @Inject(ANALYTICS_INGEST_CONFIG) config: AnalyticsIngestConfig,
  ) {
    this.batcher = new MicroBatcher<EventRow>({
      maxRows: config.ANALYTICS_BATCH_MAX_ROWS,
      maxWaitMs: config.ANALYTICS_BATCH_MAX_WAIT_MS,
      write: async (rows) => {
        await this.store.insert(rows);
        for (const row of rows) this.metrics.recordIngested(row.occurred_at_ms);
      },
      observe: (rows, seconds, ok) => this.metrics.recordBatch(rows, seconds, ok),
    });
  }

  /** Freshness starts from what ClickHouse holds (the schema exists once modules are initialised). */
  async onApplicationBootstrap(): Promise<void> {
    this.metrics.newestOccurredAtMs = await this.store.newestOccurredAtMs();
  }

  @EventPattern('AnyEvent')
  async onEvent(@Payload() record: AnyEvent, @Ctx() context: KafkaContext): Promise<void> {
    try {
      await this.batcher.add(toEventRow(record.event, context.topic));
    } catch (error) {
      throw new RetriableError('ClickHouse did not acknowledge the batch', { cause: error });
    }
  }

  /** Writes what is buffered; the runtime has stopped handing out records by then. */
  async onApplicationShutdown(): Promise<void> {
    await this.batcher.flush().catch(() => undefined);
  }
}
