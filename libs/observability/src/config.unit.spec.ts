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

  it('takes an interface to listen on as an IP address only, and a listen port of 0 for any free one', () => {
    const listen = z.object({ HTTP_HOST: env.host().default('127.0.0.1'), METRICS_PORT: env.listenPort() });
    expect(parseEnv(listen, { METRICS_PORT: '0' })).toEqual({ HTTP_HOST: '127.0.0.1', METRICS_PORT: 0 });
    expect(parseEnv(listen, { HTTP_HOST: '0.0.0.0', METRICS_PORT: '9400' }).HTTP_HOST).toBe('0.0.0.0');
    expect(parseEnv(listen, { HTTP_HOST: '::', METRICS_PORT: '9400' }).HTTP_HOST).toBe('::');
    expect(() => parseEnv(listen, { HTTP_HOST: 'everywhere', METRICS_PORT: '1' })).toThrow(
      /HTTP_HOST: must be an IP address/,
    );
    expect(() => parseEnv(listen, { METRICS_PORT: '-1' })).toThrow(/METRICS_PORT/);
  });

  it('never echoes a secret back', () => {
    expect(() => parseEnv(schema, { POSTGRES_PASSWORD: 'short' })).toThrow(
      /POSTGRES_PASSWORD: .*\(got "\*\*\*"\)/,
    );
  });

  describe('secrets', () => {
    const secrets = z.object({
      SIGNING_KEY: env.secret({ developmentValue: 'development-signing-key-0123456789', minLength: 32 }),
      DATABASE_URL: env.secretUrl({
        developmentValue: 'postgres://app:development-password@127.0.0.1/app',
        protocols: ['postgres:'],
      }),
    });
    const strong = {
      SIGNING_KEY: 'k'.repeat(40),
      DATABASE_URL: 'postgres://app:a-password-of-our-own@db/app',
    };

    it('takes the development values when unset under NODE_ENV=development or test', () => {
      for (const mode of ['development', 'test']) {
        expect(parseEnv(secrets, { NODE_ENV: mode })).toEqual({
          SIGNING_KEY: 'development-signing-key-0123456789',
          DATABASE_URL: 'postgres://app:development-password@127.0.0.1/app',
        });
      }
    });

    it('refuses to start without them outside development, NODE_ENV unset included', () => {
      for (const mode of ['production', undefined]) {
        const parse = () => parseEnv(secrets, { NODE_ENV: mode });
        expect(parse).toThrow(/SIGNING_KEY: is required outside NODE_ENV=development\|test/);
        expect(parse).toThrow(/DATABASE_URL: is required outside/);
      }
    });

    it('refuses a value published in the repository outside development, without echoing it', () => {
      const parse = () =>
        parseEnv(secrets, {
          NODE_ENV: 'production',
          SIGNING_KEY: 'development-signing-key-0123456789',
          DATABASE_URL: 'postgres://other:development-password@db/app',
        });
      expect(parse).toThrow(/SIGNING_KEY: is a value published in the repository/);
      expect(parse).toThrow(/DATABASE_URL: is a value published in the repository/);
      expect(parse).not.toThrow(/development-signing-key|development-password/);
    });

    it('refuses a secret (or a URL password) shorter than its minimum outside development', () => {
      const parse = () =>
        parseEnv(secrets, {
          NODE_ENV: 'production',
          SIGNING_KEY: 'short',
          DATABASE_URL: 'postgres://app:pw@db/app',
        });
      expect(parse).toThrow(/SIGNING_KEY: it must be at least 32 characters/);
      expect(parse).toThrow(/DATABASE_URL: its password must be at least 16 characters/);
    });

    it('accepts secrets of its own in production', () => {
      expect(parseEnv(secrets, { NODE_ENV: 'production', ...strong })).toEqual(strong);
    });
  });
});
