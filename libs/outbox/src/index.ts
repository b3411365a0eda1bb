/**
 * @platform/outbox: the transactional outbox of a Postgres-backed service. The app's migration
 * creates the table (`outboxSchemaSql`), its transactions append events (`appendToOutbox`), and
 * an `OutboxRelay` publishes them in order, at least once, from as many instances as run; a row
 * the broker refuses holds back only its own key (`outboxRetrySql`). A consumer that writes to
 * Postgres dedupes with `recordProcessed`; `RetentionPurge` deletes sent rows and processed
 * records after their retention. Postgres helpers that are not about the outbox (creating the
 * database, migrating, telling an outage) are in @platform/postgres.
 */
export { OutboxMetrics } from './outbox.metrics';
export { type OutboxPublish, type OutboxRecord } from './outbox-batch.publisher';
export { type OutboxLogger } from './outbox-logger';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export {
  channelOf,
  outboxAnnouncedByWriterSql,
  outboxRetentionIndexSql,
  outboxRetrySql,
  outboxSchemaSql,
  outboxTraceSql,
  type OutboxTable,
} from './outbox.schema';
export { currentTraceParent } from './outbox-trace';
export {
  appendToOutbox,
  outboxInsertSql,
  type OutboxInsertParameters,
  type SqlExecutor,
} from './outbox.writer';
export { processedEventsSchemaSql, recordProcessed } from './processed-events';
export { relayBackoffMs } from './relay-backoff';
export { RetentionPurge, type RetentionPurgeOptions, type RetentionRule } from './retention-purge';
export { OUTBOX_RELAY_OPTIONS, OutboxRelayHost, type OutboxRelayHostOptions } from './nest/outbox-relay.host';
export {
  RETENTION_PURGE_OPTIONS,
  RetentionPurgeHost,
  type RetentionPurgeHostOptions,
} from './nest/retention-purge.host';
