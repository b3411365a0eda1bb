import { Module } from '@nestjs/common';
import { CallerGuard, gatewayIdentityProvider } from '@platform/identity';
import { NOTIFICATION_CONFIG, type NotificationServiceConfig } from '../config/notification-service.config';
import { DeliveryModule } from '../delivery/delivery.module';
import { NotificationsController } from './http/notifications.controller';
import { NotificationMetrics } from './infrastructure/notification.metrics';
import { NotificationStore } from './infrastructure/notification.store';
import { DeliveryWorker } from './messaging/delivery.worker';
import { EventReactions } from './messaging/event-reactions';

/**
 * Notifications: recorded from identity and order events, sent as delivery jobs through the
 * channels of delivery, and served as each user's inbox. The worker lives here, not in delivery,
 * because it records each attempt's outcome on the notification.
 */
@Module({
  imports: [DeliveryModule],
  controllers: [NotificationsController],
  providers: [
    NotificationStore,
    NotificationMetrics,
    EventReactions,
    DeliveryWorker,
    CallerGuard,
    gatewayIdentityProvider(
      NOTIFICATION_CONFIG,
      'notifications',
      (c: NotificationServiceConfig) => c.GATEWAY_IDENTITY_PUBLIC_KEYS,
    ),
  ],
})
export class NotificationsModule {}
