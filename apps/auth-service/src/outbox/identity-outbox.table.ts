import type { OutboxTable } from '@platform/outbox';

/** auth-service's outbox: one table in its own database, relayed to identity.events. */
export const IDENTITY_OUTBOX: OutboxTable = { table: 'outbox', channel: 'outbox_inserted' };
