import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { createEvent, Topics, type DomainEvent, type EventOf } from '@platform/contracts';
import { EventProducer, PermanentError } from '@platform/messaging';
import { v5 as uuidv5 } from 'uuid';
import { DeliveryChannels } from '../../delivery/application/delivery-channels';
import { NotificationMetrics } from '../infrastructure/notification.metrics';
import type { NotificationDoc } from '../infrastructure/notification.model';
import { NotificationStore, type NewNotification } from '../infrastructure/notification.store';
import { render, type TemplateName } from '../domain/templates';

/** Namespace of notification ids: uuid v5 of `<source event id>/<channel>`. */
const NOTIFICATION_ID_NAMESPACE = '6f0c9d1e-4a55-4d0f-9c61-3f8e2b7a9d10';

/** The id of the notification `sourceEventId` makes on `channel`: the same on every redelivery. */
export const notificationIdOf = (sourceEventId: string, channel: string): string =>
  uuidv5(`${sourceEventId}/${channel}`, NOTIFICATION_ID_NAMESPACE);

/** The consumer group that reacts to domain events (the events role). */
export const EVENTS_GROUP = 'events';

/**
 * The events group: reacting to an event only records its notifications (one per enabled
 * channel) and enqueues one delivery job each on `notification.jobs`, keyed by user id. Nothing
 * here waits for an email server or a webhook, so event consumption runs at the speed of Mongo.
 */
@Controller()
export class EventReactions {
  constructor(
    private readonly store: NotificationStore,
    private readonly producer: EventProducer,
    private readonly channels: DeliveryChannels,
    @Inject(NotificationMetrics) private readonly metrics: NotificationMetrics,
  ) {}

  @EventPattern('UserRegistered', { group: EVENTS_GROUP })
  async onUserRegistered(@Payload() event: EventOf<'UserRegistered'>): Promise<void> {
    const { userId, email, displayName } = event.payload;
    await this.store.saveRecipient({ _id: userId, email, displayName: displayName ?? null });
    await this.notify(event, userId, 'welcome', displayName ? { displayName } : {});
  }

  /** Registration of a known address answers like a new one; the owner is told by email instead. */
  @EventPattern('RegistrationAttempted', { group: EVENTS_GROUP })
  async onRegistrationAttempted(@Payload() event: EventOf<'RegistrationAttempted'>): Promise<void> {
    await this.notify(event, event.payload.userId, 'registration-attempted', {});
  }

  @EventPattern('OrderPlaced', { group: EVENTS_GROUP })
  async onOrderPlaced(@Payload() event: EventOf<'OrderPlaced'>): Promise<void> {
    await this.store.saveOrderOwner(event.payload.orderId, event.payload.customerId);
  }

  @EventPattern('OrderConfirmed', { group: EVENTS_GROUP })
  async onOrderConfirmed(@Payload() event: EventOf<'OrderConfirmed'>): Promise<void> {
    const { orderId } = event.payload;
    await this.notify(event, await this.ownerOf(orderId), 'order-confirmed', { orderId });
  }

  @EventPattern('OrderShipped', { group: EVENTS_GROUP })
  async onOrderShipped(@Payload() event: EventOf<'OrderShipped'>): Promise<void> {
    const { orderId, carrier, trackingNumber } = event.payload;
    await this.notify(event, await this.ownerOf(orderId), 'order-shipped', {
      orderId,
      ...(carrier ? { carrier } : {}),
      ...(trackingNumber ? { trackingNumber } : {}),
    });
  }

  @EventPattern('OrderCancelled', { group: EVENTS_GROUP })
  async onOrderCancelled(@Payload() event: EventOf<'OrderCancelled'>): Promise<void> {
    const { orderId, reason, cancelledBy } = event.payload;
    await this.notify(event, await this.ownerOf(orderId), 'order-cancelled', {
      orderId,
      reason,
      cancelledBy,
    });
  }

  /**
   * OrderPlaced comes first on the order's partition, so its owner is known by now; when it is
   * not (the store was reset after Kafka's retention dropped OrderPlaced), no retry will help.
   */
  private async ownerOf(orderId: string): Promise<string> {
    const owner = await this.store.orderOwner(orderId);
    if (!owner)
      throw new PermanentError(`order ${orderId} has no known owner: its OrderPlaced was never seen`);
    return owner;
  }

  /**
   * Records the notification per channel (a redelivered event finds them) and enqueues a job for
   * each. Jobs are published again on redelivery: one may have been lost with the crash that
   * caused it, and a worker skips a job whose notification is already delivered.
   */
  private async notify(
    event: DomainEvent,
    userId: string,
    template: TemplateName,
    data: Record<string, unknown>,
  ): Promise<void> {
    const { title, body } = render(template, data);
    const createdAt = new Date(event.occurredAt);
    const notifications: NewNotification[] = this.channels.enabled().map((channel) => ({
      _id: notificationIdOf(event.id, channel),
      userId,
      channel,
      template,
      data,
      title,
      body,
      sourceEventId: event.id,
      sourceEventType: event.type,
      correlationId: event.correlationId,
      createdAt,
    }));
    const created = await this.store.createPending(notifications);
    if (created > 0) this.metrics.recordCreated(template, created);
    await this.producer.publish(
      Topics.notificationJobs.name,
      notifications.map((n) => jobOf(n, event)),
    );
  }
}

/** The delivery job of a notification, caused by `source`. */
function jobOf(notification: NewNotification | NotificationDoc, source: DomainEvent) {
  return createEvent(
    {
      type: 'NotificationRequested',
      aggregateId: notification.userId,
      aggregateVersion: 1,
      correlationId: source.correlationId,
      causationId: source.id,
      payload: {
        notificationId: notification._id,
        userId: notification.userId,
        channel: notification.channel,
        template: notification.template,
        data: notification.data,
        sourceEventId: notification.sourceEventId,
      },
    },
    // The same job on every redelivery, so consumers can tell a duplicate by its id.
    { newId: () => notificationIdOf(source.id, `${notification.channel}/job`) },
  );
}
