import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventOf } from '@platform/contracts';
import { isRetriable, PermanentError, RetriableError, type KafkaContext } from '@platform/messaging';
import { PINO_LOGGER } from '@platform/observability';
import type { Logger } from 'pino';
import {
  NOTIFICATION_CONFIG,
  type NotificationServiceConfig,
} from '../../config/notification-service.config';
import { NotificationMetrics } from '../infrastructure/notification.metrics';
import { NotificationStore } from '../infrastructure/notification.store';
import { DeliveryChannels } from '../../delivery/application/delivery-channels';
import { isStoreOutage } from '../infrastructure/store-outage';

/** The consumer group that delivers jobs (the worker role). */
export const WORKER_GROUP = 'worker';

/**
 * The workers group on `notification.jobs`: delivers one notification per job through its
 * channel, within that channel's concurrency limit. A channel that is down is retried in place
 * with backoff (later jobs of the same user wait, other users' flow); after the last attempt, or
 * at once for a permanent error, the job goes to `notification.jobs.dlq` and the notification is
 * marked failed. A job whose notification is already delivered is a duplicate and does nothing;
 * one without a notification record is not this deployment's and is skipped.
 */
@Controller()
export class DeliveryWorker {
  constructor(
    private readonly store: NotificationStore,
    private readonly channels: DeliveryChannels,
    private readonly metrics: NotificationMetrics,
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationServiceConfig,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern('NotificationRequested', { group: WORKER_GROUP })
  async onJob(@Payload() job: EventOf<'NotificationRequested'>, @Ctx() ctx: KafkaContext): Promise<void> {
    const { notificationId, userId, channel: channelName, template } = job.payload;
    const notification = await this.store.get(notificationId);
    if (!notification) {
      // The events role records a notification before it enqueues its job, so a job without one
      // is not this deployment's (another one sharing the topic) or its store was reset: the
      // inbox would never show it, so it is not delivered either.
      this.metrics.recordDelivery(channelName, 'orphaned');
      this.logger.warn(
        { notificationId, userId, channel: channelName },
        'job without its notification record: skipped',
      );
      return;
    }
    if (notification.status === 'delivered') {
      this.metrics.recordDelivery(channelName, 'duplicate');
      return;
    }
    try {
      const entry = this.channels.get(channelName);
      if (!entry) throw new PermanentError(`channel ${channelName} is not enabled on this deployment`);
      // The stored rendering: what the inbox shows is what is sent.
      const { title, body } = notification;
      const recipient = await this.store.recipient(userId);
      if (!recipient && entry.channel.needsRecipient) {
        // identity.events and order.events are separate streams: the address may still be on its way.
        throw new RetriableError(`user ${userId} has no known email address yet`);
      }
      const delivery = {
        notificationId,
        userId,
        template,
        title,
        body,
        sourceEventId: job.payload.sourceEventId,
        createdAt: notification.createdAt,
        recipient: recipient ? { email: recipient.email, displayName: recipient.displayName } : null,
      };
      await this.metrics.timeDelivery(channelName, () =>
        entry.slots.run(() => entry.channel.deliver(delivery, ctx.signal)),
      );
      await this.store.markDelivered(notificationId, ctx.attempt);
      this.metrics.recordDelivery(channelName, 'delivered');
    } catch (error) {
      // As the runtime decides: an outage of the store or broker is waited out, never final.
      const final =
        !isRetriable(error) ||
        (ctx.attempt >= this.config.NOTIFICATION_MAX_ATTEMPTS && !isStoreOutage(error));
      this.metrics.recordDelivery(channelName, final ? 'failed' : 'retried');
      await this.store
        .recordFailure(notificationId, ctx.attempt, errorText(error), final)
        .catch(() => undefined);
      throw error;
    }
  }
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
