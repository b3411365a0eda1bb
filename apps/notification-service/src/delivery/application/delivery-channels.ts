import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Semaphore } from '@platform/messaging';
import {
  NOTIFICATION_CONFIG,
  type NotificationServiceConfig,
} from '../../config/notification-service.config';
import type { Channel } from '../../notifications/infrastructure/notification.model';
import type { DeliveryChannel } from './channel';
import { EmailChannel } from '../infrastructure/email.channel';
import { WebhookChannel } from '../infrastructure/webhook.channel';

/**
 * The channels this deployment delivers on, each with its own concurrency limit: email always,
 * webhook when NOTIFICATION_WEBHOOK_URL is set. A slow provider fills its own slots only.
 */
@Injectable()
export class DeliveryChannels implements OnApplicationShutdown {
  private readonly channels = new Map<Channel, { channel: DeliveryChannel; slots: Semaphore }>();

  constructor(@Inject(NOTIFICATION_CONFIG) config: NotificationServiceConfig) {
    this.add(
      new EmailChannel({
        transport: config.EMAIL_TRANSPORT,
        fileDir: config.EMAIL_FILE_DIR,
        smtpUrl: config.SMTP_URL,
        timeoutMs: config.SMTP_TIMEOUT_MS,
        from: config.EMAIL_FROM,
        maxConnections: config.NOTIFICATION_EMAIL_CONCURRENCY,
      }),
      config.NOTIFICATION_EMAIL_CONCURRENCY,
    );
    if (config.NOTIFICATION_WEBHOOK_URL && config.NOTIFICATION_WEBHOOK_SECRET) {
      this.add(
        new WebhookChannel({
          url: config.NOTIFICATION_WEBHOOK_URL,
          secret: config.NOTIFICATION_WEBHOOK_SECRET,
          timeoutMs: config.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
        }),
        config.NOTIFICATION_WEBHOOK_CONCURRENCY,
      );
    }
  }

  /** The channels a new notification goes out on. */
  enabled(): Channel[] {
    return [...this.channels.keys()];
  }

  get(name: Channel): { channel: DeliveryChannel; slots: Semaphore } | undefined {
    return this.channels.get(name);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.channels.values()].map(({ channel }) => channel.close?.()));
  }

  private add(channel: DeliveryChannel, concurrency: number): void {
    this.channels.set(channel.name, { channel, slots: new Semaphore(concurrency) });
  }
}
