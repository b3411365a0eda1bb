import type { OutboxTable } from '@platform/outbox';

/** order-service's outbox: one table in its own database, relayed to order.events. */
export const ORDER_OUTBOX: OutboxTable = { table: 'outbox', channel: 'outbox_inserted' };
