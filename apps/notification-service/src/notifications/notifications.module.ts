import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CallerGuard, gatewayIdentityProvider } from '@platform/identity';
import { NOTIFICATION_CONFIG, type NotificationServiceConfig } from '../config/notification-service.config';
import { DeliveryModule } from '../delivery/delivery.module';
import { NotificationsController } from './http/notifications.controller';
import { NotificationMetrics } from './infrastructure/notification.metrics';
import { NotificationStore } from './infrastructure/notification.store';
import { DeliveryWorker } from './messaging/delivery.worker';
import { EventReactions } from './messaging/event-reactions';

/** The message handlers of each role: a role's consumer group runs only where the role does. */
const handlersOfRole: Record<NotificationServiceConfig['NOTIFICATION_ROLES'][number], Type> = {
  events: EventReactions,
  worker: DeliveryWorker,
};

/**
 * Notifications: recorded from identity and order events, sent as delivery jobs through the
 * channels of delivery, and served as each user's inbox. The worker lives here, not in delivery,
 * because it records each attempt's outcome on the notification.
 */
@Module({
  imports: [DeliveryModule],
  providers: [
    NotificationStore,
    NotificationMetrics,
    CallerGuard,
    gatewayIdentityProvider(
      NOTIFICATION_CONFIG,
      'notifications',
      (c: NotificationServiceConfig) => c.GATEWAY_IDENTITY_PUBLIC_KEYS,
    ),
  ],
})
export class NotificationsModule {
  /** The inbox, and the handlers of the roles this instance runs (NOTIFICATION_ROLES). */
  static forRoles(roles: NotificationServiceConfig['NOTIFICATION_ROLES']): DynamicModule {
    return {
      module: NotificationsModule,
      controllers: [NotificationsController, ...roles.map((role) => handlersOfRole[role])],
    };
  }
}
