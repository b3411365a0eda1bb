/**
 * @platform/outbox: the transactional outbox of a Postgres-backed service. The app's migration
 * creates the table (`outboxSchemaSql`), its transactions append events (`appendToOutbox`), and
 * an `OutboxRelay` publishes them in order, at least once, from as many instances as run.
 * `ensureDatabase` creates a service's own database at start when it is missing.
 */
export { ensureDatabase } from './ensure-database';
export { OutboxMetrics } from './outbox.metrics';
export { OutboxRelay, type OutboxLogger, type OutboxRelayOptions } from './outbox-relay';
export { assertIdentifier, channelOf, outboxSchemaSql, type OutboxTable } from './outbox.schema';
export { appendToOutbox, type SqlExecutor } from './outbox.writer';
export { relayBackoffMs } from './relay-backoff';
export { OUTBOX_RELAY_OPTIONS, OutboxRelayHost, type OutboxRelayHostOptions } from './nest/outbox-relay.host';
