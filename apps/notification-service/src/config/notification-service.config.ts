import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

const ROLES = ['events', 'worker'] as const;

/** Every variable notification-service reads, with local defaults (see .env.example). */
export const notificationServiceConfigSchema = z
  .object({
    NOTIFICATION_HTTP_PORT: env.port().default(3003),
    /** Port of GET /metrics, for Prometheus only (the public port answers 404 there); 0 = any free one. */
    NOTIFICATION_METRICS_PORT: env.listenPort().default(9403),
    /** Interface of both ports: loopback natively (the default); containers set 0.0.0.0. */
    HTTP_HOST: env.host().default('127.0.0.1'),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    /** After SIGTERM, keep serving this long with readiness false so load balancers move away. */
    SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /**
     * What this instance does besides its HTTP API: `events` reacts to domain events (enqueues
     * delivery jobs), `worker` delivers jobs. One deployment may run both, or each its own.
     */
    NOTIFICATION_ROLES: env
      .list()
      .pipe(z.array(z.enum(ROLES, { error: `each role must be one of ${ROLES.join(', ')}` })))
      .default([...ROLES]),
    KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
    /** The Kafka client library: kafkajs (default) or platformatic (docs/messaging.md). */
    KAFKA_CLIENT: kafkaClientSetting(),
    KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
    /** mongodb://user:password@host:port/?authSource=...; outside development a password of its own is required. */
    MONGO_URL: env.secretUrl({
      developmentValue: 'mongodb://127.0.0.1:27017',
      protocols: ['mongodb:', 'mongodb+srv:'],
    }),
    NOTIFICATION_MONGO_DATABASE: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a plain database name')
      .default('notifications'),
    /** The group reacting to identity and order events. */
    NOTIFICATION_EVENTS_GROUP: z.string().min(1).max(200).default('notification-service'),
    /**
     * Where the events group starts the first time it runs: `latest`, so that a new deployment
     * does not welcome every user of the past week; `earliest` to backfill on purpose.
     */
    NOTIFICATION_EVENTS_START: z.enum(['latest', 'earliest']).default('latest'),
    /** The group of the delivery workers on notification.jobs (always from its start: a job is owed). */
    NOTIFICATION_WORKER_GROUP: z.string().min(1).max(200).default('notification-workers'),
    /** Deliveries running at once per channel, per instance. */
    NOTIFICATION_EMAIL_CONCURRENCY: env.positiveInt().default(8),
    NOTIFICATION_WEBHOOK_CONCURRENCY: env.positiveInt().default(16),
    /** Attempts of one delivery (the first included) before its job goes to notification.jobs.dlq. */
    NOTIFICATION_MAX_ATTEMPTS: env.positiveInt().default(6),
    NOTIFICATION_RETRY_INITIAL_MS: env.positiveInt().default(1_000),
    NOTIFICATION_RETRY_MAX_MS: env.positiveInt().default(60_000),
    /** `file` writes each email as an .eml file (development); `smtp` sends through SMTP_URL. */
    EMAIL_TRANSPORT: z.enum(['file', 'smtp']).default('file'),
    EMAIL_FILE_DIR: z.string().min(1).default('tmp/mail'),
    /** e.g. smtp://user:pass@smtp.example.com:587 (STARTTLS) or smtps://...:465. */
    SMTP_URL: env.optional(env.url('smtp:', 'smtps:')),
    SMTP_TIMEOUT_MS: env.positiveInt().default(10_000),
    EMAIL_FROM: z.string().min(3).default('Platform <no-reply@platform.local>'),
    /** Where every notification is POSTed as JSON, signed; the webhook channel is off without it. */
    NOTIFICATION_WEBHOOK_URL: env.optional(env.url('http:', 'https:')),
    NOTIFICATION_WEBHOOK_SECRET: env.optional(z.string().min(32, 'must be at least 32 characters')),
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: env.positiveInt().default(5_000),
    /** The gateway's Ed25519 public keys (base64 SPKI DER; two, comma-separated, during a rotation): docs/security.md. */
    GATEWAY_IDENTITY_PUBLIC_KEYS: env.secret({
      developmentValue: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
      minLength: 40,
    }),
  })
  .superRefine((config, ctx) => {
    if (config.EMAIL_TRANSPORT === 'smtp' && !config.SMTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'required when EMAIL_TRANSPORT=smtp' });
    }
    if (config.NOTIFICATION_WEBHOOK_URL && !config.NOTIFICATION_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFICATION_WEBHOOK_SECRET'],
        message: 'required when NOTIFICATION_WEBHOOK_URL is set: receivers check the signature',
      });
    }
  });

export type NotificationServiceConfig = z.infer<typeof notificationServiceConfigSchema>;

/** Injection token of the validated config. */
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadNotificationServiceConfig(
  source: Record<string, string | undefined> = process.env,
): NotificationServiceConfig {
  return parseEnv(notificationServiceConfigSchema, source);
}
