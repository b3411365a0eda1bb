import { DEVELOPMENT_PAYMENT_WEBHOOK_SECRET } from '@platform/contracts';
import { kafkaClientSetting } from '@platform/messaging';
import { env, parseEnv } from '@platform/observability';
import {
  gatewayIdentityEnv,
  kafkaEnv,
  metricsPort,
  outboxEnv,
  postgresUrl,
  serviceEnv,
} from '@platform/service-edge';
import { z } from 'zod';

/** Every variable order-service reads, with local defaults (see .env.example). */
export const orderServiceConfigSchema = z.object({
  ORDER_HTTP_PORT: env.port().default(3002),
  ORDER_METRICS_PORT: metricsPort(9402),
  ...serviceEnv,
  ...kafkaEnv,
  KAFKA_CLIENT: kafkaClientSetting(),
  ORDER_DATABASE_URL: postgresUrl('orders'),
  ...outboxEnv,
  /** Answered Idempotency-Keys are kept this long: a retry after that runs again. */
  ORDER_IDEMPOTENCY_KEY_RETENTION_HOURS: env.positiveInt().default(24),
  /** HMAC key the payment provider signs its callbacks with (its dashboard shows it): docs/security.md. */
  PAYMENT_WEBHOOK_SECRET: env.secret({ developmentValue: DEVELOPMENT_PAYMENT_WEBHOOK_SECRET, minLength: 32 }),
  ...gatewayIdentityEnv,
});

export type OrderServiceConfig = z.infer<typeof orderServiceConfigSchema>;

/** Injection token of the validated config. */
export const ORDER_SERVICE_CONFIG = Symbol('ORDER_SERVICE_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadOrderServiceConfig(
  source: Record<string, string | undefined> = process.env,
): OrderServiceConfig {
  return parseEnv(orderServiceConfigSchema, source);
}
