import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GatewayIdentitySigner,
  identityPlugin,
  type CallerIdentity,
  type SignableRequest,
} from '@platform/identity';
import { bootTestApp, infraEnv, uniqueName } from '@platform/testing';
import { Client } from 'pg';
import request from 'supertest';
import { ObservabilityModule } from '@platform/observability';
import { AppModule } from '../src/app.module';
import { loadOrderServiceConfig, type OrderServiceConfig } from '../src/config/order-service.config';
import { mapOrderError } from '../src/errors/order-problem.mapper';
import { keepRawJsonBodies } from '../src/payments/http/raw-json-body';

/** Signs as the gateway does in development (the development key pair the app trusts under NODE_ENV=test). */
const gatewaySigner = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);

/** A running order-service on the real servers, with its own database. */
export interface OrderApp {
  app: NestExpressApplication;
  config: OrderServiceConfig;
  http: () => ReturnType<typeof request>;
  /** Identity headers as the gateway signs them for `caller`. */
  /** A supertest plugin (`.use(app.as(caller))`): the identity the gateway would mint for `caller` on that request. */
  as: (caller: CallerIdentity) => (request: SignableRequest) => void;
  close: () => Promise<void>;
}

function urlOfDatabase(name: string): string {
  const url = new URL(infraEnv.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Boots AppModule in-process (as main.ts does, minus listening); the database is dropped on close. */
export async function startOrderApp(env: Record<string, string> = {}): Promise<OrderApp> {
  const database = uniqueName('orders_test');
  const config = loadOrderServiceConfig({
    NODE_ENV: 'test',
    ORDER_DATABASE_URL: urlOfDatabase(database),
    KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
    LOG_LEVEL: 'error',
    ...env,
  });
  const app = await bootTestApp(
    [
      AppModule.with(config),
      ObservabilityModule.forRoot({
        serviceName: 'order-service',
        logLevel: 'silent',
        mapError: mapOrderError,
      }),
    ],
    {
      reaching: { server: 'PostgreSQL/Kafka', address: `${infraEnv.postgresUrl} ${config.KAFKA_BROKERS}` },
      configure: keepRawJsonBodies,
    },
  );
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    as: (caller) => identityPlugin(gatewaySigner, 'orders', caller),
    close: async () => {
      await app.close();
      await dropDatabase(database);
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: infraEnv.postgresUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
