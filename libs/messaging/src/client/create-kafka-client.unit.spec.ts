import { ConfigError } from '@platform/observability';
import { createKafkaClient, kafkaClientFromEnv } from './create-kafka-client';

describe('choosing the Kafka client', () => {
  it('takes kafkajs when KAFKA_CLIENT is unset, and the named client otherwise', () => {
    expect(kafkaClientFromEnv({})).toBe('kafkajs');
    expect(kafkaClientFromEnv({ KAFKA_CLIENT: 'platformatic' })).toBe('platformatic');
    expect(createKafkaClient('platformatic', { clientId: 't', brokers: ['127.0.0.1:9092'] }).name).toBe(
      'platformatic',
    );
  });

  it('refuses an unknown client with a message naming the variable and its values', () => {
    expect(() => kafkaClientFromEnv({ KAFKA_CLIENT: 'librdkafka' })).toThrow(ConfigError);
    expect(() => kafkaClientFromEnv({ KAFKA_CLIENT: 'librdkafka' })).toThrow(
      /KAFKA_CLIENT: must be one of kafkajs, platformatic \(got "librdkafka"\)/,
    );
  });
});
