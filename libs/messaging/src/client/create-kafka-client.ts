import { parseEnv } from '@platform/observability';
import { z } from 'zod';
import {
  kafkaClientNames,
  type KafkaClient,
  type KafkaClientConfig,
  type KafkaClientName,
} from './kafka-client';
import { KafkajsClient } from './kafkajs.client';
import { PlatformaticClient } from './platformatic.client';

/** The client library of an app's messaging, by its `KAFKA_CLIENT` name. */
export function createKafkaClient(name: KafkaClientName, config: KafkaClientConfig): KafkaClient {
  switch (name) {
    case 'kafkajs':
      return new KafkajsClient(config);
    case 'platformatic':
      return new PlatformaticClient(config);
    default: {
      const unknown: never = name;
      throw new Error(`unknown Kafka client ${String(unknown)}`);
    }
  }
}

/**
 * The schema of `KAFKA_CLIENT` for an app's config: `kafkajs` (the default) or `platformatic`.
 * A bad value fails the start with a message naming the variable and the values it takes.
 */
export const kafkaClientSetting = () =>
  z.enum(kafkaClientNames, { error: `must be one of ${kafkaClientNames.join(', ')}` }).default('kafkajs');

/**
 * `KAFKA_CLIENT` of `env`, validated, for tests and tools that have no app config (apps put
 * {@link kafkaClientSetting} in theirs).
 */
export function kafkaClientFromEnv(env: Record<string, string | undefined> = process.env): KafkaClientName {
  return parseEnv(z.object({ KAFKA_CLIENT: kafkaClientSetting() }), env).KAFKA_CLIENT;
}
