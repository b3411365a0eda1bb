import type { NestExpressApplication } from '@nestjs/platform-express';
import { createEvent, Topics, type DomainEvent, type EventType, type PayloadOf } from '@platform/contracts';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GatewayIdentitySigner,
  identityPlugin,
  type CallerIdentity,
  type SignableRequest,
} from '@platform/identity';
import { ObservabilityModule } from '@platform/observability';
import { ensureTopicsOf, startConsumerGroups } from '@platform/messaging';
import { bootTestApp, infraEnv, startGroupAtEnd, uniqueName, withKafkaAdmin } from '@platform/testing';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import {
  loadNotificationServiceConfig,
  type NotificationServiceConfig,
} from '../src/config/notification-service.config';
import { mapNotificationError } from '../src/errors/notification-problem.mapper';

/** Signs as the gateway does in development (the development key pair the app trusts under NODE_ENV=test). */
const gatewaySigner = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);

/** What the receiving end of the webhook answers: a status, after a delay. */
export interface WebhookBehaviour {
  status: number;
  delayMs: number;
}

/** A real HTTP server on loopback standing in for a webhook receiver; records every call. */
export class WebhookReceiver {
  readonly calls: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  behaviour: WebhookBehaviour = { status: 204, delayMs: 0 };
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { status, delayMs } = this.behaviour;
        this.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        setTimeout(() => res.writeHead(status).end(), delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/notifications`;
  }

  /** Calls about `userId`'s notifications (the topic may hold other tests' jobs). */
  callsFor(userId: string) {
    return this.calls.filter((call) => (JSON.parse(call.body) as { userId: string }).userId === userId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** A running notification-service on the real servers, with its own database, groups and mail dir. */
export interface NotificationApp {
  app: NestExpressApplication;
  config: NotificationServiceConfig;
  mailDir: string;
  http: () => ReturnType<typeof request>;
  /** A supertest plugin (`.use(app.as(caller))`): the identity the gateway would mint for `caller` on that request. */
  as: (caller: CallerIdentity) => (request: SignableRequest) => void;
  close: () => Promise<void>;
}

export const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789abcdef';

/** Boots AppModule in-process (as main.ts does, minus listening); its database and mail dir go on close. */
export async function startNotificationApp(
  webhookUrl: string,
  env: Record<string, string> = {},
): Promise<NotificationApp> {
  const mailDir = await mkdtemp(join(tmpdir(), 'notification-mail-'));
  const config = loadNotificationServiceConfig({
    NODE_ENV: 'test',
    MONGO_URL: infraEnv.mongoUrl,
    NOTIFICATION_MONGO_DATABASE: uniqueName('notifications_test'),
    NOTIFICATION_EVENTS_GROUP: uniqueName('notification_events_test'),
    NOTIFICATION_WORKER_GROUP: uniqueName('notification_workers_test'),
    KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
    EMAIL_FILE_DIR: mailDir,
    NOTIFICATION_WEBHOOK_URL: webhookUrl,
    NOTIFICATION_WEBHOOK_SECRET: WEBHOOK_SECRET,
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: '1000',
    NOTIFICATION_MAX_ATTEMPTS: '4',
    NOTIFICATION_RETRY_INITIAL_MS: '300',
    NOTIFICATION_RETRY_MAX_MS: '1000',
    LOG_LEVEL: 'error',
    ...env,
  });
  // Consumers never create the topics they read (docs/messaging.md, "Starting"): the test plays
  // the part of their owners, which it does not run.
  await withKafkaAdmin((admin) => ensureTopicsOf(admin, ['auth-service', 'order-service']));
  // This run's jobs only, not every earlier run's bad ones again (see startGroupAtEnd).
  await startGroupAtEnd(config.NOTIFICATION_WORKER_GROUP, [Topics.notificationJobs.name]);
  const app = await bootTestApp(
    [
      AppModule.with(config),
      ObservabilityModule.forRoot({
        serviceName: 'notification-service',
        logLevel: 'silent',
        mapError: mapNotificationError,
      }),
    ],
    {
      reaching: { server: 'MongoDB/Kafka', address: `${infraEnv.mongoUrl} ${config.KAFKA_BROKERS}` },
      configure: startConsumerGroups,
    },
  );
  return {
    app,
    config,
    mailDir,
    http: () => request(app.getHttpServer()),
    as: (caller) => identityPlugin(gatewaySigner, 'notifications', caller),
    close: async () => {
      await app.close();
      const connection = await mongoose
        .createConnection(config.MONGO_URL, { dbName: config.NOTIFICATION_MONGO_DATABASE })
        .asPromise();
      await connection.dropDatabase();
      await connection.close();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}

/** A domain event as its owner would publish it. */
export function eventOf<T extends EventType>(
  type: T,
  aggregateId: string,
  aggregateVersion: number,
  payload: PayloadOf<T>,
): DomainEvent {
  return createEvent({
    type,
    aggregateId,
    aggregateVersion,
    correlationId: randomUUID(),
    causationId: null,
    payload,
  }) as DomainEvent;
}
