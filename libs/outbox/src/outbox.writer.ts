import type { EventEnvelope } from '@platform/contracts';
import { assertIdentifier } from '@platform/postgres';
import { currentTraceParent } from './outbox-trace';

/**
 * Anything that runs a parameterised query inside the caller's transaction: a TypeORM
 * EntityManager, a pg PoolClient. The outbox write must share the transaction of the state change.
 */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Where the outbox INSERT finds its values, and when it inserts. */
export interface OutboxInsertParameters {
  /** The `$n` parameter bound to the JSON array of envelopes, e.g. `$2`. */
  envelopes: string;
  /** The `$n` parameter bound to the writer's `traceparent` (see currentTraceParent). Default: none. */
  traceParent?: string;
  /** SQL condition gating the insert on the same condition as the state change. Default `true`. */
  where?: string;
}

/**
 * The INSERT that appends a JSON array of envelopes to the outbox, in array order, with the
 * writer's `traceparent`. Usable as a data-modifying CTE, so a caller can append its state change
 * and its events in one statement.
 */
export function outboxInsertSql(table: string, parameters: OutboxInsertParameters): string {
  const { envelopes: envelopesParameter, traceParent: traceParentParameter, where = 'true' } = parameters;
  const t = assertIdentifier(table);
  for (const parameter of [envelopesParameter, traceParentParameter ?? '$1']) {
    if (!/^\$\d{1,4}$/.test(parameter)) throw new Error(`"${parameter}" is not a $n parameter`);
  }
  const traceParent = traceParentParameter ? `${traceParentParameter}::text` : 'NULL';
  return `INSERT INTO ${t} (event_id, aggregate_key, event_type, envelope, trace_parent)
    SELECT (o.envelope->>'id')::uuid, o.envelope->>'aggregateId', o.envelope->>'type', o.envelope, ${traceParent}
      FROM jsonb_array_elements(${envelopesParameter}::jsonb) WITH ORDINALITY AS o(envelope, n)
     WHERE ${where}
     ORDER BY o.n`;
}

/**
 * Appends events to the outbox within the caller's transaction. Per-key order is the order of
 * `id`, which is taken at insert time: writers of one aggregate must serialise (lock or update
 * the aggregate's row first) so that their inserts commit in the order their ids were taken.
 */
export async function appendToOutbox(
  executor: SqlExecutor,
  table: string,
  events: readonly EventEnvelope[],
): Promise<void> {
  if (events.length === 0) return;
  await executor.query(outboxInsertSql(table, { envelopes: '$1', traceParent: '$2' }), [
    JSON.stringify(events),
    currentTraceParent(),
  ]);
}
