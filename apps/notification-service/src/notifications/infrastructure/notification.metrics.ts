import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@platform/observability';
import { Counter, Histogram, type Registry } from 'prom-client';

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed' | 'duplicate' | 'orphaned';

/** Notifications created per template, deliveries per channel and outcome, and how long they take. */
@Injectable()
export class NotificationMetrics {
  private readonly created: Counter<'template'>;
  private readonly deliveries: Counter<'channel' | 'outcome'>;
  private readonly duration: Histogram<'channel'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.created = new Counter({
      name: 'notifications_created_total',
      help: 'Notifications created (one per source event and channel; redeliveries not counted)',
      labelNames: ['template'],
      registers: [registry],
    });
    this.deliveries = new Counter({
      name: 'notification_deliveries_total',
      help: 'Delivery attempts by outcome: delivered, retried (will be tried again), failed (to the DLQ), duplicate (already delivered), orphaned (no notification record: skipped)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'notification_delivery_duration_seconds',
      help: 'Time to deliver through a channel, waiting for a free slot included',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  recordCreated(template: string, count: number): void {
    this.created.inc({ template }, count);
  }

  recordDelivery(channel: string, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ channel, outcome });
  }

  async timeDelivery<T>(channel: string, deliver: () => Promise<T>): Promise<T> {
    const end = this.duration.startTimer({ channel });
    try {
      return await deliver();
    } finally {
      end();
    }
  }
}
