import { createClient } from '@clickhouse/client';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GatewayIdentitySigner,
  identityPlugin,
  type CallerIdentity,
  type SignableRequest,
} from '@platform/identity';
import { ensureTopicsOf, startConsumerGroups } from '@platform/messaging';
import { bootTestApp, infraEnv, uniqueName, withKafkaAdmin } from '@platform/testing';
import { createServer, Socket, type Server } from 'node:net';
import request from 'supertest';
import { ObservabilityModule } from '@platform/observability';
import { AppModule } from '../src/app.module';
import { loadAnalyticsIngestConfig, type AnalyticsIngestConfig } from '../src/config/analytics-ingest.config';
import { mapAnalyticsError } from '../src/errors/analytics.errors';

/** Signs as the gateway does in development (the development key pair the app trusts under NODE_ENV=test). */
const gatewaySigner = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);

/** A running analytics-ingest on the real servers, with its own database and consumer group. */
export interface AnalyticsApp {
  app: NestExpressApplication;
  config: AnalyticsIngestConfig;
  http: () => ReturnType<typeof request>;
  /** A supertest plugin (`.use(app.as(caller))`): the identity the gateway would mint for `caller` on that request. */
  as: (caller: CallerIdentity) => (request: SignableRequest) => void;
  close: () => Promise<void>;
}

/** Boots AppModule in-process, talking to ClickHouse at `clickhouseUrl`; its database is dropped on close. */
export async function startAnalyticsApp(clickhouseUrl = infraEnv.clickhouseUrl): Promise<AnalyticsApp> {
  const config = loadAnalyticsIngestConfig({
    NODE_ENV: 'test',
    CLICKHOUSE_URL: clickhouseUrl,
    CLICKHOUSE_USER: infraEnv.clickhouseUser,
    CLICKHOUSE_PASSWORD: infraEnv.clickhousePassword,
    ANALYTICS_CLICKHOUSE_DATABASE: uniqueName('analytics_test'),
    ANALYTICS_CONSUMER_GROUP: uniqueName('analytics_test_group'),
    ANALYTICS_FROM_BEGINNING: 'false',
    ANALYTICS_BATCH_MAX_ROWS: '200',
    ANALYTICS_BATCH_MAX_WAIT_MS: '100',
    KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
    LOG_LEVEL: 'error',
  });
  // Consumers never create the topics they read (docs/messaging.md, "Starting"): the test plays
  // the part of their owners, which it does not run.
  await withKafkaAdmin((admin) => ensureTopicsOf(admin, ['auth-service', 'order-service']));
  const app = await bootTestApp(
    [
      AppModule.with(config),
      ObservabilityModule.forRoot({
        serviceName: 'analytics-ingest',
        logLevel: 'silent',
        mapError: mapAnalyticsError,
      }),
    ],
    {
      reaching: { server: 'ClickHouse/Kafka', address: `${clickhouseUrl} ${config.KAFKA_BROKERS}` },
      configure: startConsumerGroups,
    },
  );
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    as: (caller) => identityPlugin(gatewaySigner, 'analytics', caller),
    close: async () => {
      await app.close();
      const client = createClient({
        url: infraEnv.clickhouseUrl,
        username: infraEnv.clickhouseUser,
        password: infraEnv.clickhousePassword,
      });
      await client.command({ query: `DROP DATABASE IF EXISTS ${config.ANALYTICS_CLICKHOUSE_DATABASE}` });
      await client.close();
    },
  };
}

/**
 * A TCP proxy in front of ClickHouse that a test can cut and restore: to the app it is ClickHouse
 * going away (connections reset, new ones refused) and coming back on the same address.
 */
export class Outage {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(this.target.port || 80), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
