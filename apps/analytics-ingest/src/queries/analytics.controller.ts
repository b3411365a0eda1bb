import { Controller, Get, Injectable, Query, UseGuards } from '@nestjs/common';
import { analyticsRangeQuerySchema, type AnalyticsRangeQuery } from '@platform/contracts';
import { CallerGuard, type CallerIdentity } from '@platform/identity';
import { zodPipe } from '@platform/service-edge';
import { AnalyticsStore } from '../clickhouse/analytics.store';
import { IngestMetrics } from '../ingest/infrastructure/ingest.metrics';
import { AdminOnly, InvalidAnalyticsQuery } from '../errors/analytics.errors';

const HOUR_MS = 3_600_000;

/** Admins only, as the gateway signed them (the gateway checks the role too). */
@Injectable()
export class AdminGuard extends CallerGuard {
  protected override authorize(caller: CallerIdentity): void {
    if (!caller.roles.includes('admin')) throw new AdminOnly();
  }
}

/** The `from`/`to` range of every query (400 ANALYTICS.INVALID_QUERY naming each bad parameter). */
const RangePipe = zodPipe({ invalid: (errors) => new InvalidAnalyticsQuery(errors) });

/** The analytics queries, computed in ClickHouse over deduplicated rows (FINAL). */
@Controller('analytics')
@UseGuards(AdminGuard)
export class AnalyticsController {
  constructor(
    private readonly store: AnalyticsStore,
    private readonly metrics: IngestMetrics,
  ) {}

  @Get('orders-per-minute')
  async ordersPerMinute(@Query(new RangePipe(analyticsRangeQuerySchema)) range: AnalyticsRangeQuery) {
    const [from, to] = bounds(range, HOUR_MS);
    return { items: await this.store.ordersPerMinute(from, to) };
  }

  @Get('revenue')
  async revenue(@Query(new RangePipe(analyticsRangeQuerySchema)) range: AnalyticsRangeQuery) {
    const [from, to] = bounds(range, 30 * 24 * HOUR_MS);
    return { items: await this.store.revenue(from, to) };
  }

  @Get('event-counts')
  async eventCounts(@Query(new RangePipe(analyticsRangeQuerySchema)) range: AnalyticsRangeQuery) {
    const [from, to] = bounds(range, 24 * HOUR_MS);
    return { items: await this.store.countsByType(from, to) };
  }

  @Get('freshness')
  async freshness() {
    const newest = await this.store.newestOccurredAtMs();
    if (newest !== null) this.metrics.recordIngested(newest);
    return {
      newestOccurredAt: newest === null ? null : new Date(newest).toISOString(),
      freshnessSeconds: newest === null ? null : (Date.now() - newest) / 1000,
    };
  }
}

/** [from, to) in epoch ms: the query's, or `span` ending now. */
function bounds(range: AnalyticsRangeQuery, span: number): [number, number] {
  const to = range.to ?? Date.now() + 1;
  return [range.from ?? to - span, to];
}
