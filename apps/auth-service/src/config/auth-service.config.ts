import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable auth-service reads, with local defaults (see .env.example). */
export const authServiceConfigSchema = z.object({
  AUTH_HTTP_PORT: env.port().default(3001),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  KAFKA_REPLICATION_FACTOR: env.positiveInt().default(1),
  AUTH_DATABASE_URL: env
    .url('postgres:', 'postgresql:')
    .default('postgres://postgres:postgres@127.0.0.1:5432/auth'),
  REDIS_URL: env.url('redis:', 'rediss:').default('redis://127.0.0.1:6379'),
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
