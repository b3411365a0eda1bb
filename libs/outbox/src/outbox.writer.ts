import type { EventEnvelope } from '@platform/contracts';
import { assertIdentifier } from './outbox.schema';

/**
 * Anything that runs a parameterised query inside the caller's transaction: a TypeORM
 * EntityManager, a pg PoolClient. The outbox write must share the transaction of the state change.
 */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
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
  const t = assertIdentifier(table);
  const values: string[] = [];
  const parameters: unknown[] = [];
  for (const event of events) {
    const n = parameters.length;
    values.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}::jsonb)`);
    parameters.push(event.id, event.aggregateId, event.type, JSON.stringify(event));
  }
  await executor.query(
    `INSERT INTO ${t} (event_id, aggregate_key, event_type, envelope) VALUES ${values.join(', ')}`,
    parameters,
  );
}
