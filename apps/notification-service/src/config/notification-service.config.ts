import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import {
  consumerGroup,
  gatewayIdentityEnv,
  kafkaEnv,
  metricsPort,
  mongoDatabase,
  mongoEnv,
  serviceEnv,
} from '@platform/service-edge';
import { z } from 'zod';

const ROLES = ['events', 'worker'] as const;

/** Every variable notification-service reads, with local defaults (see .env.example). */
export const notificationServiceConfigSchema = z
  .object({
    NOTIFICATION_HTTP_PORT: env.port().default(3003),
    NOTIFICATION_METRICS_PORT: metricsPort(9403),
    ...serviceEnv,
    /**
     * What this instance does besides its HTTP API: `events` reacts to domain events (enqueues
     * delivery jobs), `worker` delivers jobs. One deployment may run both, or each its own.
     */
    NOTIFICATION_ROLES: env
      .list()
      .pipe(z.array(z.enum(ROLES, { error: `each role must be one of ${ROLES.join(', ')}` })))
      .default([...ROLES]),
    ...kafkaEnv,
    KAFKA_CLIENT: kafkaClientSetting(),
    ...mongoEnv,
    NOTIFICATION_MONGO_DATABASE: mongoDatabase('notifications'),
    /** The group reacting to identity and order events. */
    NOTIFICATION_EVENTS_GROUP: consumerGroup('notification-service'),
    /**
     * Where the events group starts the first time it runs: `latest`, so that a new deployment
     * does not welcome every user of the past week; `earliest` to backfill on purpose.
     */
    NOTIFICATION_EVENTS_START: z.enum(['latest', 'earliest']).default('latest'),
    /** The group of the delivery workers on notification.jobs (always from its start: a job is owed). */
    NOTIFICATION_WORKER_GROUP: consumerGroup('notification-workers'),
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
    ...gatewayIdentityEnv,
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
