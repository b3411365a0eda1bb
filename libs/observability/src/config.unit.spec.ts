import { z } from 'zod';
import { ConfigError, env, parseEnv } from './config';

const schema = z.object({
  HTTP_PORT: env.port().default(3000),
  KAFKA_BROKERS: env.list().default(['127.0.0.1:9092']),
  POSTGRES_URL: env
    .url('postgres:', 'postgresql:')
    .default('postgres://postgres:postgres@127.0.0.1:5432/app'),
  POSTGRES_PASSWORD: z.string().min(8).optional(),
  TRACING_ENABLED: env.bool().default(false),
});

describe('parseEnv', () => {
  it('gives sensible local defaults when nothing is set', () => {
    expect(parseEnv(schema, {})).toEqual({
      HTTP_PORT: 3000,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      POSTGRES_URL: 'postgres://postgres:postgres@127.0.0.1:5432/app',
      TRACING_ENABLED: false,
    });
  });

  it('coerces strings from the environment into typed values', () => {
    const config = parseEnv(schema, {
      HTTP_PORT: '8080',
      KAFKA_BROKERS: 'a:9092, b:9092',
      TRACING_ENABLED: 'YES',
    });
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(config.TRACING_ENABLED).toBe(true);
  });

  it('fails with a message that names every bad variable and its value', () => {
    const parse = () =>
      parseEnv(schema, { HTTP_PORT: '70000', POSTGRES_URL: 'mysql://x', KAFKA_BROKERS: ' , ' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/HTTP_PORT: .*\(got "70000"\)/);
    expect(parse).toThrow(
      /POSTGRES_URL: must be a URL with protocol postgres: or postgresql: \(got "mysql:\/\/x"\)/,
    );
    expect(parse).toThrow(/KAFKA_BROKERS: needs at least one item/);
  });

  it('never echoes a secret back', () => {
    expect(() => parseEnv(schema, { POSTGRES_PASSWORD: 'short' })).toThrow(
      /POSTGRES_PASSWORD: .*\(got "\*\*\*"\)/,
    );
  });
});
