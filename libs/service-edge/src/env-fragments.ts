import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { env } from '@platform/observability';
import { z } from 'zod';

/**
 * The variables of every app's process: where it listens and logs, and how it stops. Spread into
 * an app's schema (`z.object({ ...serviceEnv, AUTH_HTTP_PORT: ... })`); each app names its ports.
 */
export const serviceEnv = {
  /** Interface of both ports: loopback natively (the default); containers set 0.0.0.0. */
  HTTP_HOST: env.host().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
};

/**
 * The Kafka cluster an app talks to. `KAFKA_CLIENT` (the client library) is @platform/messaging's
 * `kafkaClientSetting()`, which apps add beside this.
 */
export const kafkaEnv = {
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
};

/** The MongoDB server of an app that keeps documents (each app names its own database on it). */
export const mongoEnv = {
  /** mongodb://user:password@host:port/?authSource=...; outside development a password of its own is required. */
  MONGO_URL: env.secretUrl({
    developmentValue: 'mongodb://127.0.0.1:27017',
    protocols: ['mongodb:', 'mongodb+srv:'],
  }),
};

/** The Redis server of the gateway (rate limits, revocations) and auth-service (throttling). */
export const redisEnv = {
  /** redis[s]://user:password@host:port; outside development a password of its own is required. */
  REDIS_URL: env.secretUrl({ developmentValue: 'redis://127.0.0.1:6379', protocols: ['redis:', 'rediss:'] }),
};

/** How long an app with an outbox keeps sent rows, and how often it purges them. */
export const outboxEnv = {
  /** Sent outbox rows are kept this long (debugging, late replays), then purged. */
  OUTBOX_RETENTION_HOURS: env.positiveInt().default(168),
  RETENTION_PURGE_INTERVAL_SECONDS: env.positiveInt().default(300),
};

/** What a service behind the gateway checks each request's identity with. */
export const gatewayIdentityEnv = {
  /** The gateway's Ed25519 public keys (base64 SPKI DER; two, comma-separated, during a rotation): docs/security.md. */
  GATEWAY_IDENTITY_PUBLIC_KEYS: env.secret({
    developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
    minLength: 40,
  }),
};

/** Port of GET /metrics, for Prometheus only (the public port answers 404 there); 0 = any free one. */
export function metricsPort(port: number) {
  return env.listenPort().default(port);
}

/**
 * An app's PostgreSQL URL, `postgres://postgres:postgres@127.0.0.1:5432/<database>` in development;
 * outside development a password of its own is required.
 */
export function postgresUrl(database: string) {
  return env.secretUrl({
    developmentValue: `postgres://postgres:postgres@127.0.0.1:5432/${database}`,
    protocols: ['postgres:', 'postgresql:'],
  });
}

/** An app's own database on the MongoDB server, `name` by default. */
export function mongoDatabase(name: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a plain database name')
    .default(name);
}

/** A Kafka consumer group's id, `name` by default. */
export function consumerGroup(name: string) {
  return z.string().min(1).max(200).default(name);
}
