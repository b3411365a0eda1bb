import { z } from 'zod';
import type { HttpApiSpec, HttpOperationSpec } from './http-api';

const isoDate = z.iso.datetime({ offset: true }).transform((v) => Date.parse(v));

/** A time range of an analytics query; each endpoint has its own default span ending now. */
export const analyticsRangeQuerySchema = z
  .object({
    from: isoDate.optional().describe('start, inclusive (ISO 8601)'),
    to: isoDate.optional().describe('end, exclusive (ISO 8601); default now'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type AnalyticsRangeQuery = z.infer<typeof analyticsRangeQuerySchema>;

function query(path: string, operationId: string, summary: string, body: z.ZodType): HttpOperationSpec {
  return {
    method: 'GET',
    path,
    operationId,
    summary,
    query: analyticsRangeQuerySchema,
    responses: {
      200: { description: 'computed in ClickHouse, duplicates collapsed', body },
      400: { description: 'ANALYTICS.INVALID_QUERY, with every invalid parameter in `errors`' },
    },
  };
}

/** analytics-ingest's query API, behind the gateway's `/analytics` route (admin role). */
export const analyticsHttpApi: HttpApiSpec = {
  prefix: '/analytics',
  operations: [
    query(
      '/analytics/orders-per-minute',
      'getOrdersPerMinute',
      'Orders placed per minute (default: the last hour)',
      z.object({ items: z.array(z.object({ minute: z.string(), orders: z.int() })) }),
    ),
    query(
      '/analytics/revenue',
      'getRevenue',
      'Payments per UTC day and currency, in minor units (default: the last 30 days)',
      z.object({
        items: z.array(
          z.object({ day: z.string(), currency: z.string(), amountMinor: z.int(), payments: z.int() }),
        ),
      }),
    ),
    query(
      '/analytics/event-counts',
      'getEventCounts',
      'Events per type (default: the last 24 hours)',
      z.object({ items: z.array(z.object({ type: z.string(), events: z.int() })) }),
    ),
    {
      method: 'GET',
      path: '/analytics/freshness',
      operationId: 'getFreshness',
      summary: 'End-to-end freshness: now - occurredAt of the newest event in ClickHouse',
      responses: {
        200: {
          description: 'null when nothing was ingested yet',
          body: z.object({
            newestOccurredAt: z.string().nullable(),
            freshnessSeconds: z.number().nullable(),
          }),
        },
      },
    },
  ],
};
