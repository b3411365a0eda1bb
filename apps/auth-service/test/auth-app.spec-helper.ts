import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootTestApp, infraEnv, reach, uniqueName } from '@platform/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { ObservabilityModule } from '@platform/observability';
import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS, GatewayIdentitySigner, identityPlugin } from '@platform/identity';
import { AppModule } from '../src/app.module';
import { loadAuthServiceConfig, type AuthServiceConfig } from '../src/config/auth-service.config';
import { mapAuthError } from '../src/errors/auth-problem.mapper';
import { configureHttp } from '../src/http/configure-http';

/** A running auth-service on the real servers, with its own database and throttle keys. */
export interface AuthApp {
  app: NestExpressApplication;
  config: AuthServiceConfig;
  /**
   * Requests as the gateway forwards them: each carries an anonymous gateway identity from
   * 127.0.0.1 (a later `.use(identityPlugin(...))` replaces it with a caller's).
   */
  http: () => ReturnType<typeof request>;
  /** Requests that did not come through the gateway (no gateway identity). */
  direct: () => ReturnType<typeof request>;
  redis: Redis;
  close: () => Promise<void>;
}

const gateway = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);
const anonymous = identityPlugin(gateway, 'auth', undefined, '127.0.0.1');
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every request of `agent` gets the gateway identity of an anonymous client. */
function throughGateway(agent: ReturnType<typeof request>): ReturnType<typeof request> {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !METHODS.has(property) || typeof value !== 'function') return value;
      return (url: string) => (value as (url: string) => request.Test).call(target, url).use(anonymous);
    },
  });
}

function urlOfDatabase(name: string): string {
  const url = new URL(infraEnv.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Boots AppModule in-process (as main.ts does, minus listening); the database is dropped on close. */
export async function startAuthApp(env: Record<string, string> = {}): Promise<AuthApp> {
  const database = uniqueName('auth_test');
  const config = loadAuthServiceConfig({
    NODE_ENV: 'test',
    AUTH_DATABASE_URL: urlOfDatabase(database),
    REDIS_URL: infraEnv.redisUrl,
    KAFKA_BROKERS: infraEnv.kafkaBrokers.join(','),
    AUTH_THROTTLE_KEY_PREFIX: uniqueName('auth_test_throttle'),
    LOG_LEVEL: 'error',
    ...env,
  });
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
  await reach('Redis', config.REDIS_URL, () => redis.connect());
  const app = await bootTestApp(
    [
      AppModule.with(config),
      ObservabilityModule.forRoot({
        serviceName: 'auth-service',
        logLevel: 'silent',
        mapError: mapAuthError,
      }),
    ],
    {
      reaching: { server: 'PostgreSQL/Kafka', address: `${infraEnv.postgresUrl} ${config.KAFKA_BROKERS}` },
      configure: (created) => configureHttp(created, config),
    },
  );
  return {
    app,
    config,
    redis,
    http: () => throughGateway(request(app.getHttpServer())),
    direct: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      const keys = await redis.keys(`${config.AUTH_THROTTLE_KEY_PREFIX}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      const admin = new Client({ connectionString: infraEnv.postgresUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}
