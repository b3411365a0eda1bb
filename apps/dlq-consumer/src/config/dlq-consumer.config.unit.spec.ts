import { ConfigError } from '@platform/observability';
import { loadDlqConsumerConfig } from './dlq-consumer.config';

describe('dlq-consumer config', () => {
  it('has local defaults for everything', () => {
    expect(loadDlqConsumerConfig({ NODE_ENV: 'development' })).toMatchObject({
      DLQ_HTTP_PORT: 3005,
      MONGO_URL: 'mongodb://127.0.0.1:27017',
      DLQ_MONGO_DATABASE: 'dlq',
      DLQ_REPLAY_RATE_PER_SECOND: 50,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadDlqConsumerConfig({ NODE_ENV: 'development', MONGO_URL: 'postgres://x' })).toThrow(
      ConfigError,
    );
    expect(() => loadDlqConsumerConfig({ NODE_ENV: 'development', MONGO_URL: 'postgres://x' })).toThrow(
      /MONGO_URL/,
    );
    expect(() => loadDlqConsumerConfig({ NODE_ENV: 'development', DLQ_MONGO_DATABASE: 'a b' })).toThrow(
      /DLQ_MONGO_DATABASE/,
    );
    expect(() => loadDlqConsumerConfig({ NODE_ENV: 'development', DLQ_REPLAY_RATE_PER_SECOND: '0' })).toThrow(
      /DLQ_REPLAY_RATE_PER_SECOND/,
    );
  });
});
