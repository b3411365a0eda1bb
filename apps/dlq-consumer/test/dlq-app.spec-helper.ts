import { Controller, Module, type DynamicModule, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventOf } from '@platform/contracts';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GatewayIdentitySigner,
  identityPlugin,
  type CallerIdentity,
  type SignableRequest,
} from '@platform/identity';
import { ensureTopicsOf, MessagingModule, PermanentError, startConsumerGroups } from '@platform/messaging';
import { bootTestApp, infraEnv, startGroupAtEnd, uniqueName, withKafkaAdmin } from '@platform/testing';
import mongoose from 'mongoose';
import request from 'supertest';
import { ObservabilityModule } from '@platform/observability';
import { AppModule, DEAD_LETTER_TOPICS } from '../src/app.module';
import { loadDlqConsumerConfig, type DlqConsumerConfig } from '../src/config/dlq-consumer.config';
import { mapDlqError } from '../src/errors/dlq-problem.mapper';

/** Signs as the gateway does in development (the development key pair the app trusts under NODE_ENV=test). */
const gatewaySigner = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);

/** A running dlq-consumer on the real servers, with its own database and consumer group. */
export interface DlqApp {
  app: NestExpressApplication;
  config: DlqConsumerConfig;
  http: () => ReturnType<typeof request>;
  /** A supertest plugin (`.use(app.as(caller))`): the identity the gateway would mint for `caller` on that request. */
  as: (caller: CallerIdentity) => (request: SignableRequest) => void;
  close: () => Promise<void>;
}

const boot = (
  imports: (Type | DynamicModule)[],
  serviceName: string,
  reaching?: { server: string; address: string },
) =>
  bootTestApp(
    [...imports, ObservabilityModule.forRoot({ serviceName, logLevel: 'silent', mapError: mapDlqError })],
    {
      ...(reaching ? { reaching } : {}),
      configure: startConsumerGroups,
    },
  );

/** Boots AppModule in-process (as main.ts does, minus listening); its database is dropped on close. */
export async function startDlqApp(): Promise<DlqApp> {
  const config = loadDlqConsumerConfig({
    NODE_ENV: 'test',
    MONGO_URL: infraEnv.mongoUrl,
    DLQ_MONGO_DATABASE: uniqueName('dlq_test'),
    DLQ_CONSUMER_GROUP: uniqueName('dlq_test_group'),
    KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
    DLQ_REPLAY_RATE_PER_SECOND: '200',
    LOG_LEVEL: 'error',
  });
  // Consumers never create the topics they read (docs/messaging.md, "Starting"): the test plays
  // the part of their owners, which it does not run.
  await withKafkaAdmin((admin) =>
    ensureTopicsOf(admin, ['auth-service', 'order-service', 'notification-service']),
  );
  // This run's dead letters only, not every earlier run's (see startGroupAtEnd).
  await startGroupAtEnd(
    config.DLQ_CONSUMER_GROUP,
    DEAD_LETTER_TOPICS.map((topic) => topic.name),
  );
  const app = await boot([AppModule.with(config)], 'dlq-consumer', {
    server: 'MongoDB/Kafka',
    address: `${infraEnv.mongoUrl} ${config.KAFKA_BROKERS}`,
  });
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    as: (caller) => identityPlugin(gatewaySigner, 'dlq', caller),
    close: async () => {
      await app.close();
      const connection = await mongoose
        .createConnection(config.MONGO_URL, { dbName: config.DLQ_MONGO_DATABASE })
        .asPromise();
      await connection.dropDatabase();
      await connection.close();
    },
  };
}

/**
 * A consumer group on order.events, as any service's would be, that refuses orders with a
 * poisoned SKU until `fixed`, and counts what it handled per event id.
 */
@Controller()
export class OrderProbe {
  /** Orders of this customer are the test's; others on the topic are ignored. */
  customerId = '';
  poisonSku = '';
  fixed = false;
  readonly handled = new Map<string, number>();

  @EventPattern('OrderPlaced')
  async onOrderPlaced(@Payload() event: EventOf<'OrderPlaced'>): Promise<void> {
    if (!this.customerId || event.payload.customerId !== this.customerId) return;
    if (!this.fixed && event.payload.lines.some((line) => line.sku === this.poisonSku)) {
      throw new PermanentError(`line 1: sku ${this.poisonSku} is blocked for order ${event.aggregateId}`);
    }
    this.handled.set(event.id, (this.handled.get(event.id) ?? 0) + 1);
  }
}

@Module({ controllers: [OrderProbe] })
class OrderProbeModule {}

/** A Nest app whose only job is the group `groupId` consuming order.events with an OrderProbe. */
export async function startProbeGroup(
  groupId: string,
): Promise<{ app: NestExpressApplication; probe: OrderProbe }> {
  const app = await boot(
    [
      MessagingModule.forRoot({
        clientId: groupId,
        brokers: infraEnv.kafkaBrokers,
        ownsTopicsOf: 'order-service',
        consumerGroups: [
          {
            name: 'probe',
            groupId,
            topics: ['order.events'],
            consumer: { retry: { maxAttempts: 1 }, fromBeginning: false },
          },
        ],
      }),
      OrderProbeModule,
    ],
    groupId,
  );
  return { app, probe: app.get(OrderProbe) };
}
