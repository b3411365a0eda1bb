import { PermanentError, RetriableError } from '@platform/messaging';
import type { Channel } from '../../notifications/infrastructure/notification.model';

/** What a channel delivers: the rendered notification and who it is for. */
export interface Delivery {
  notificationId: string;
  userId: string;
  template: string;
  title: string;
  body: string;
  sourceEventId: string;
  createdAt: Date;
  /** The user's address; required by email, sent along by webhook when known. */
  recipient: { email: string; displayName: string | null } | null;
}

/**
 * One way to reach a user. `deliver` resolves once the provider accepted the notification, and
 * throws ChannelDown (retried with backoff) or DeliveryRejected (permanent: to the DLQ).
 */
export interface DeliveryChannel {
  readonly name: Channel;
  /** True when the channel needs the recipient's email to deliver. */
  readonly needsRecipient: boolean;
  deliver(delivery: Delivery, signal: AbortSignal): Promise<void>;
  close?(): Promise<void>;
}

/** The provider did not answer, or answered "try later": retryable. */
export class ChannelDown extends RetriableError {
  override readonly name = 'ChannelDown';
  readonly code = 'NOTIFICATIONS.CHANNEL_DOWN';
}

/** The provider refused this notification for good (bad address, 4xx): permanent. */
export class DeliveryRejected extends PermanentError {
  override readonly name = 'DeliveryRejected';
  readonly code = 'NOTIFICATIONS.REJECTED';
}
