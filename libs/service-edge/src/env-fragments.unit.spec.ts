import { ConfigError, parseEnv } from '@platform/observability';
import { z } from 'zod';
import {
  consumerGroup,
  gatewayIdentityEnv,
  kafkaEnv,
  metricsPort,
  mongoDatabase,
  mongoEnv,
  outboxEnv,
  postgresUrl,
  redisEnv,
  serviceEnv,
} from './env-fragments';

const schema = z.object({
  ...serviceEnv,
  SHOP_METRICS_PORT: metricsPort(9499),
  ...kafkaEnv,
  SHOP_GROUP: consumerGroup('shop'),
  ...mongoEnv,
  SHOP_MONGO_DATABASE: mongoDatabase('shop'),
  SHOP_DATABASE_URL: postgresUrl('shop'),
  ...outboxEnv,
  ...redisEnv,
  ...gatewayIdentityEnv,
});

describe('env fragments', () => {
  it('give an app composed of them local defaults for everything', () => {
    expect(parseEnv(schema, { NODE_ENV: 'development' })).toMatchObject({
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_DELAY_MS: 0,
      SHOP_METRICS_PORT: 9499,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_REPLICATION_FACTOR: 1,
      SHOP_GROUP: 'shop',
      MONGO_URL: 'mongodb://127.0.0.1:27017',
      SHOP_MONGO_DATABASE: 'shop',
      SHOP_DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/shop',
      OUTBOX_RETENTION_HOURS: 168,
      REDIS_URL: 'redis://127.0.0.1:6379',
      GATEWAY_IDENTITY_PUBLIC_KEYS: expect.any(String),
    });
  });

  it('refuse to start on a bad value and name the variable', () => {
    expect(() => parseEnv(schema, { NODE_ENV: 'development', MONGO_URL: 'postgres://x' })).toThrow(
      /MONGO_URL/,
    );
    expect(() => parseEnv(schema, { NODE_ENV: 'development', SHOP_MONGO_DATABASE: 'a b' })).toThrow(
      /SHOP_MONGO_DATABASE: must be a plain database name/,
    );
    expect(() => parseEnv(schema, { NODE_ENV: 'development', SHOP_DATABASE_URL: 'mysql://db/shop' })).toThrow(
      /SHOP_DATABASE_URL/,
    );
  });

  it('keep the secret rules outside development: each secret set, none of the published ones', () => {
    const production = () => parseEnv(schema, { NODE_ENV: 'production' });
    expect(production).toThrow(ConfigError);
    for (const variable of ['MONGO_URL', 'SHOP_DATABASE_URL', 'REDIS_URL', 'GATEWAY_IDENTITY_PUBLIC_KEYS']) {
      expect(production).toThrow(new RegExp(`${variable}: is required outside NODE_ENV=development\\|test`));
    }
    expect(() =>
      parseEnv(schema, {
        NODE_ENV: 'production',
        SHOP_DATABASE_URL: 'postgres://postgres:postgres@db:5432/shop',
      }),
    ).toThrow(/SHOP_DATABASE_URL: is a value published in the repository/);
  });
});
