import { Module, type DynamicModule } from '@nestjs/common';
import { Topics } from '@platform/contracts';
import { MessagingModule, type ConsumerGroupOptions } from '@platform/messaging';
import { MongoModule } from '@platform/mongo';
import { NOTIFICATION_CONFIG, type NotificationServiceConfig } from './config/notification-service.config';
import { DeliveryModule } from './delivery/delivery.module';
import { NotificationsModule } from './notifications/notifications.module';
import { WORKER_GROUP } from './notifications/messaging/delivery.worker';
import { EVENTS_GROUP } from './notifications/messaging/event-reactions';
import { isStoreOutage } from './notifications/infrastructure/store-outage';

/** The consumer groups of the roles this instance runs (NOTIFICATION_ROLES). */
function groupsOf(config: NotificationServiceConfig): ConsumerGroupOptions[] {
  const groups: ConsumerGroupOptions[] = [];
  if (config.NOTIFICATION_ROLES.includes('events')) {
    groups.push({
      name: EVENTS_GROUP,
      groupId: config.NOTIFICATION_EVENTS_GROUP,
      topics: [Topics.identityEvents.name, Topics.orderEvents.name],
      consumer: {
        fromBeginning: config.NOTIFICATION_EVENTS_START === 'earliest',
        retry: { isOutage: isStoreOutage },
      },
    });
  }
  if (config.NOTIFICATION_ROLES.includes('worker')) {
    groups.push({
      name: WORKER_GROUP,
      groupId: config.NOTIFICATION_WORKER_GROUP,
      topics: [Topics.notificationJobs.name],
      consumer: {
        retry: {
          maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
          initialBackoffMs: config.NOTIFICATION_RETRY_INITIAL_MS,
          maxBackoffMs: config.NOTIFICATION_RETRY_MAX_MS,
          isOutage: isStoreOutage,
        },
        // Enough handlers to fill every channel's slots; each channel bounds its own.
        maxConcurrentHandlers:
          config.NOTIFICATION_EMAIL_CONCURRENCY + config.NOTIFICATION_WEBHOOK_CONCURRENCY,
      },
    });
  }
  return groups;
}

/**
 * notification-service: reacts to identity and order events by recording notifications and
 * enqueueing delivery jobs (events role), delivers them by email and webhook (worker role), and
 * serves each user's inbox.
 */
@Module({})
export class AppModule {
  static with(config: NotificationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'notification-service',
          brokers: config.KAFKA_BROKERS,
          client: config.KAFKA_CLIENT,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          ownsTopicsOf: 'notification-service',
          // It reads identity.events and order.events once auth- and order-service have created them.
          consumerGroups: groupsOf(config),
        }),
        MongoModule.forRoot({ url: config.MONGO_URL, database: config.NOTIFICATION_MONGO_DATABASE }),
        DeliveryModule,
        NotificationsModule.forRoles(config.NOTIFICATION_ROLES),
      ],
      providers: [{ provide: NOTIFICATION_CONFIG, useValue: config }],
      exports: [NOTIFICATION_CONFIG],
    };
  }
}
