import type { EventEnvelope } from '@platform/contracts';
import type { SqlExecutor } from '@platform/outbox';
import type { OrderEvent } from '../domain/order.events';
import type { OrderStatus } from '../domain/order.state';

const statusAfter: Record<Exclude<OrderEvent['type'], 'OrderPlaced'>, OrderStatus> = {
  OrderConfirmed: 'confirmed',
  OrderPaid: 'paid',
  OrderShipped: 'shipped',
  OrderCancelled: 'cancelled',
};

/**
 * Keeps order_summaries in step with the store, inside the append's transaction: the list a
 * customer reads is never behind the order they just changed.
 */
export async function projectOrderSummaries(
  executor: SqlExecutor,
  events: readonly { event: OrderEvent; envelope: EventEnvelope }[],
): Promise<void> {
  for (const { event, envelope } of events) {
    if (event.type === 'OrderPlaced') {
      const { orderId, customerId, currency, totalMinor } = event.data;
      await executor.query(
        `INSERT INTO order_summaries (order_id, customer_id, status, currency, total_minor, version, placed_at, updated_at)
         VALUES ($1, $2, 'placed', $3, $4, $5, $6, $6)`,
        [orderId, customerId, currency, totalMinor, envelope.aggregateVersion, envelope.occurredAt],
      );
    } else {
      await executor.query(
        'UPDATE order_summaries SET status = $2, version = $3, updated_at = $4 WHERE order_id = $1',
        [envelope.aggregateId, statusAfter[event.type], envelope.aggregateVersion, envelope.occurredAt],
      );
    }
  }
}
