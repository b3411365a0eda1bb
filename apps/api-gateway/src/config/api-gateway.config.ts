import { env, parseEnv } from '@platform/observability';
import { z } from 'zod';

/** Every variable api-gateway reads, with local defaults (see .env.example). */
export const apiGatewayConfigSchema = z.object({
  GATEWAY_HTTP_PORT: env.port().default(3000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  REDIS_URL: env.url('redis:', 'rediss:').default('redis://127.0.0.1:6379'),
  AUTH_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3001'),
  ORDER_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3002'),
  NOTIFICATION_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3003'),
  ANALYTICS_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3004'),
  DLQ_SERVICE_URL: env.url('http:', 'https:').default('http://127.0.0.1:3005'),
});

export type ApiGatewayConfig = z.infer<typeof apiGatewayConfigSchema>;

/** Injection token of the validated config. */
export const API_GATEWAY_CONFIG = Symbol('API_GATEWAY_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadApiGatewayConfig(
  source: Record<string, string | undefined> = process.env,
): ApiGatewayConfig {
  return parseEnv(apiGatewayConfigSchema, source);
}
