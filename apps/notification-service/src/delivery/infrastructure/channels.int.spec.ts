import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { ChannelDown, DeliveryRejected, type Delivery } from '../application/channel';
import { EmailChannel } from './email.channel';
import { WebhookChannel, webhookSignature } from './webhook.channel';

const delivery: Delivery = {
  notificationId: '0b8d4c3e-2f1a-5b6c-8d7e-9f0a1b2c3d4e',
  userId: 'user-1',
  template: 'order-confirmed',
  title: 'Order confirmed',
  body: 'Your order o-1 is confirmed and being prepared.',
  sourceEventId: 'event-1',
  createdAt: new Date('2026-11-25T10:00:00Z'),
  recipient: { email: 'ada@example.com', displayName: 'Ada' },
};
const never = new AbortController().signal;

async function listen(server: Server | SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // SMTPServer keeps its net.Server in `server`.
  const net = server instanceof SMTPServer ? (server as unknown as { server: Server }).server : server;
  return (net.address() as AddressInfo).port;
}

describe('delivery channels against real servers on loopback', () => {
  describe('webhook', () => {
    let answer: { status: number; delayMs: number } = { status: 204, delayMs: 0 };
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        setTimeout(() => res.writeHead(answer.status).end(), answer.delayMs);
      });
    });
    let url = '';
    const channel = () => new WebhookChannel({ url, secret: 's'.repeat(32), timeoutMs: 300 });

    beforeAll(async () => {
      url = `http://127.0.0.1:${await listen(server)}/hook`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('POSTs the notification as JSON, signed over timestamp and body', async () => {
      answer = { status: 204, delayMs: 0 };
      await channel().deliver(delivery, never);
      const call = received.at(-1);
      expect(JSON.parse(call?.body ?? '')).toMatchObject({
        id: delivery.notificationId,
        title: 'Order confirmed',
      });
      const timestamp = call?.headers['x-signature-timestamp'] as string;
      expect(call?.headers['x-signature']).toBe(
        webhookSignature('s'.repeat(32), timestamp, call?.body ?? ''),
      );
    });

    it('retries 5xx, 429 and a timeout, and rejects other 4xx for good', async () => {
      for (const status of [500, 503, 429, 408]) {
        answer = { status, delayMs: 0 };
        await expect(channel().deliver(delivery, never)).rejects.toBeInstanceOf(ChannelDown);
      }
      for (const status of [400, 404, 410]) {
        answer = { status, delayMs: 0 };
        await expect(channel().deliver(delivery, never)).rejects.toBeInstanceOf(DeliveryRejected);
      }
      answer = { status: 200, delayMs: 1_000 };
      await expect(channel().deliver(delivery, never)).rejects.toThrow(/no answer within 300 ms/);
    });

    it('treats a refused connection as a channel that is down', async () => {
      const closed = new WebhookChannel({
        url: 'http://127.0.0.1:1/hook',
        secret: 's'.repeat(32),
        timeoutMs: 300,
      });
      await expect(closed.deliver(delivery, never)).rejects.toBeInstanceOf(ChannelDown);
    });
  });

  describe('email over SMTP', () => {
    const messages: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) {
          callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        } else callback();
      },
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          messages.push(data);
          callback();
        });
      },
    });
    let port = 0;
    const smtp = (url: string) =>
      new EmailChannel({
        transport: 'smtp',
        fileDir: '',
        smtpUrl: url,
        timeoutMs: 2_000,
        from: 'Platform <no-reply@platform.local>',
        maxConnections: 2,
      });

    beforeAll(async () => {
      port = await listen(server);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends the message with its notification id as Message-ID', async () => {
      const channel = smtp(`smtp://127.0.0.1:${port}`);
      await channel.deliver(delivery, never);
      await channel.close();
      expect(messages.at(-1)).toContain('To: Ada <ada@example.com>');
      expect(messages.at(-1)).toContain(`Message-ID: <${delivery.notificationId}@notifications.platform>`);
      expect(messages.at(-1)).toContain('Subject: Order confirmed');
    });

    it('rejects a refused mailbox for good, and retries a server that is not there', async () => {
      const channel = smtp(`smtp://127.0.0.1:${port}`);
      const nobody = { ...delivery, recipient: { email: 'nobody@example.com', displayName: null } };
      await expect(channel.deliver(nobody, never)).rejects.toBeInstanceOf(DeliveryRejected);
      await channel.close();
      const away = smtp('smtp://127.0.0.1:1');
      await expect(away.deliver(delivery, never)).rejects.toBeInstanceOf(ChannelDown);
      await away.close();
    });
  });

  it('writes one .eml file per notification with the file transport', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mail-'));
    try {
      const channel = new EmailChannel({
        transport: 'file',
        fileDir: dir,
        timeoutMs: 1_000,
        from: 'Platform <no-reply@platform.local>',
        maxConnections: 1,
      });
      await channel.deliver(delivery, never);
      await channel.deliver(delivery, never);
      const mail = await readFile(join(dir, `${delivery.notificationId}.eml`), 'utf8');
      expect(mail).toContain('Subject: Order confirmed');
      await expect(channel.deliver({ ...delivery, recipient: null }, never)).rejects.toBeInstanceOf(
        DeliveryRejected,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
