import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import {
  gatewayIdentityEnv,
  kafkaEnv,
  metricsPort,
  outboxEnv,
  postgresUrl,
  redisEnv,
  serviceEnv,
} from '@platform/service-edge';
import { z } from 'zod';

/** Every variable auth-service reads, with local defaults (see .env.example). */
export const authServiceConfigSchema = z.object({
  AUTH_HTTP_PORT: env.port().default(3001),
  AUTH_METRICS_PORT: metricsPort(9401),
  ...serviceEnv,
  ...kafkaEnv,
  KAFKA_CLIENT: kafkaClientSetting(),
  AUTH_DATABASE_URL: postgresUrl('auth'),
  ...outboxEnv,
  ...redisEnv,
  /** Lifetime of an access JWT, seconds. */
  AUTH_ACCESS_TOKEN_TTL_SECONDS: env.positiveInt().default(900),
  /** Lifetime of a refresh token (and of its family's revocation key), seconds. */
  AUTH_REFRESH_TOKEN_TTL_SECONDS: env.positiveInt().default(30 * 24 * 3600),
  /** A signing key older than this is replaced by a new one. */
  AUTH_KEY_ROTATION_DAYS: env.positiveInt().default(30),
  /** Failed logins per account, and per client IP, before 429; within the window. */
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: env.positiveInt().default(5),
  AUTH_LOGIN_MAX_FAILURES_PER_IP: env.positiveInt().default(20),
  AUTH_LOGIN_FAILURE_WINDOW_SECONDS: env.positiveInt().default(900),
  /** Prefix of the throttling keys in Redis (tests use their own). */
  AUTH_THROTTLE_KEY_PREFIX: z.string().min(1).default('auth:login-failures'),
  /**
   * Largest request body accepted, e.g. `128kb` (413 above it). Large enough that an oversized
   * field is answered with a 400 naming it, small enough to parse in well under a millisecond.
   */
  AUTH_MAX_BODY_SIZE: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i)
    .default('128kb'),
  ...gatewayIdentityEnv,
});

export type AuthServiceConfig = z.infer<typeof authServiceConfigSchema>;

/** Injection token of the validated config. */
export const AUTH_SERVICE_CONFIG = Symbol('AUTH_SERVICE_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadAuthServiceConfig(
  source: Record<string, string | undefined> = process.env,
): AuthServiceConfig {
  return parseEnv(authServiceConfigSchema, source);
}
