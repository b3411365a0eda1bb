import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import { ChannelDown, DeliveryRejected, type Delivery, type DeliveryChannel } from '../application/channel';

export interface EmailOptions {
  transport: 'file' | 'smtp';
  /** Where the file transport writes `<notification id>.eml`. */
  fileDir: string;
  smtpUrl?: string | undefined;
  timeoutMs: number;
  from: string;
  /** Open SMTP connections at most: the channel's concurrency. */
  maxConnections: number;
}

/**
 * Email through nodemailer: over SMTP (pooled connections, timeouts) in production, or as one
 * `.eml` file per notification in development. The Message-ID is derived from the notification
 * id, so a retried send is recognisable as the same message by any mail system.
 */
export class EmailChannel implements DeliveryChannel {
  readonly name = 'email' as const;
  readonly needsRecipient = true;
  private readonly transporter: Transporter;

  constructor(private readonly options: EmailOptions) {
    this.transporter =
      options.transport === 'smtp'
        ? createTransport({
            url: options.smtpUrl,
            pool: true,
            maxConnections: options.maxConnections,
            connectionTimeout: options.timeoutMs,
            greetingTimeout: options.timeoutMs,
            socketTimeout: options.timeoutMs,
          } as Parameters<typeof createTransport>[0])
        : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<void> {
    const recipient = delivery.recipient;
    if (!recipient) throw new DeliveryRejected(`no email address for user ${delivery.userId}`);
    signal.throwIfAborted();
    const message = {
      from: this.options.from,
      to: recipient.displayName ? { name: recipient.displayName, address: recipient.email } : recipient.email,
      subject: delivery.title,
      text: delivery.body,
      messageId: `<${delivery.notificationId}@notifications.platform>`,
      date: delivery.createdAt,
      headers: { 'x-notification-id': delivery.notificationId },
    };
    let sent: { message?: Buffer };
    try {
      sent = (await this.transporter.sendMail(message)) as { message?: Buffer };
    } catch (error) {
      throw classify(error);
    }
    if (this.options.transport === 'file') await this.writeFile(delivery.notificationId, sent.message);
  }

  async close(): Promise<void> {
    this.transporter.close();
  }

  // Written whole then renamed: a reader never sees half a message, and a retry overwrites.
  private async writeFile(id: string, content: Buffer | undefined): Promise<void> {
    if (!content) throw new ChannelDown('file transport produced no message');
    const dir = resolve(this.options.fileDir);
    try {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${id}.eml`);
      await writeFile(`${path}.tmp`, content);
      await rename(`${path}.tmp`, path);
    } catch (error) {
      throw new ChannelDown(`mail directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** SMTP 5xx (mailbox unknown, message refused) is final; anything else may pass later. */
function classify(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const detail = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
    return new DeliveryRejected(`smtp refused the message: ${detail}`, { cause: error });
  }
  if (e.code === 'EENVELOPE') return new DeliveryRejected(`invalid envelope: ${detail}`, { cause: error });
  return new ChannelDown(`smtp: ${detail}`, { cause: error });
}
