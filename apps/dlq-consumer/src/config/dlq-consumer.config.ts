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

/** Every variable dlq-consumer reads, with local defaults (see .env.example). */
export const dlqConsumerConfigSchema = z.object({
  DLQ_HTTP_PORT: env.port().default(3005),
  DLQ_METRICS_PORT: metricsPort(9405),
  ...serviceEnv,
  ...kafkaEnv,
  KAFKA_CLIENT: kafkaClientSetting(),
  ...mongoEnv,
  /** The app's own database on that server. */
  DLQ_MONGO_DATABASE: mongoDatabase('dlq'),
  /** The consumer group reading every *.dlq topic. */
  DLQ_CONSUMER_GROUP: consumerGroup('dlq-consumer'),
  /** Replays written to Kafka per second at most, all requests together. */
  DLQ_REPLAY_RATE_PER_SECOND: env.positiveInt().default(50),
  /** A group replay or discard touches at most this many messages per request. */
  DLQ_MAX_GROUP_ACTION: env.positiveInt().default(1_000),
  /** The consumer lag waits this long for Kafka at most, then is a 503: under the gateway route's 5 s, so the problem and its code reach the caller. */
  DLQ_LAG_TIMEOUT_MS: env.positiveInt().default(3_000),
  ...gatewayIdentityEnv,
});

export type DlqConsumerConfig = z.infer<typeof dlqConsumerConfigSchema>;

/** Injection token of the validated config. */
export const DLQ_CONSUMER_CONFIG = Symbol('DLQ_CONSUMER_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadDlqConsumerConfig(
  source: Record<string, string | undefined> = process.env,
): DlqConsumerConfig {
  return parseEnv(dlqConsumerConfigSchema, source);
}
