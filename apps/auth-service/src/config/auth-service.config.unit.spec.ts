import { ConfigError } from '@platform/observability';
import { loadAuthServiceConfig } from './auth-service.config';

describe('auth-service config', () => {
  it('runs locally with no variables set', () => {
    expect(loadAuthServiceConfig({ NODE_ENV: 'development' })).toMatchObject({
      AUTH_HTTP_PORT: 3001,
      AUTH_DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/auth',
    });
  });

  it('refuses to start on a bad variable and names it', () => {
    expect(() =>
      loadAuthServiceConfig({ NODE_ENV: 'development', AUTH_DATABASE_URL: 'mysql://db/auth' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadAuthServiceConfig({ NODE_ENV: 'development', AUTH_DATABASE_URL: 'mysql://db/auth' }),
    ).toThrow(/AUTH_DATABASE_URL/);
  });
});

describe('auth-service config of the OAuth server', () => {
  const production = {
    NODE_ENV: 'production',
    AUTH_DATABASE_URL: 'postgres://auth_service:a-generated-database-password@db:5432/auth',
    REDIS_URL: 'redis://app:a-generated-redis-password@redis:6379',
    GATEWAY_IDENTITY_PUBLIC_KEYS: 'MCowBQYDK2VwAyEAgeneratedgatewaypublickeyfortests000000=',
    OAUTH_COOKIE_KEYS: 'a-generated-cookie-signing-key-of-this-deployment',
    PUBLIC_URL: 'https://api.example.com',
  };

  it('issues from the gateway on its local port in development', () => {
    expect(loadAuthServiceConfig({ NODE_ENV: 'development' }).PUBLIC_URL).toBe('http://127.0.0.1:3000');
  });

  it('starts in production with its own cookie keys and an https origin, which loses a trailing slash', () => {
    expect(loadAuthServiceConfig({ ...production, PUBLIC_URL: 'https://api.example.com/' })).toMatchObject({
      PUBLIC_URL: 'https://api.example.com',
      OAUTH_COOKIE_KEYS: production.OAUTH_COOKIE_KEYS,
    });
  });

  it('refuses to start in production without cookie keys, or with the ones in the repository', () => {
    const { OAUTH_COOKIE_KEYS: _, ...unset } = production;
    expect(() => loadAuthServiceConfig(unset)).toThrow(/OAUTH_COOKIE_KEYS: is required/);
    const development = loadAuthServiceConfig({ NODE_ENV: 'development' }).OAUTH_COOKIE_KEYS;
    expect(() => loadAuthServiceConfig({ ...production, OAUTH_COOKIE_KEYS: development })).toThrow(
      /OAUTH_COOKIE_KEYS: is a value published in the repository/,
    );
  });

  it('names PUBLIC_URL with the other bad variables in one refusal', () => {
    expect(() => loadAuthServiceConfig({ NODE_ENV: 'production' })).toThrow(
      /OAUTH_COOKIE_KEYS: is required[\s\S]*PUBLIC_URL: is required/,
    );
  });

  it('refuses to start in production without PUBLIC_URL, with an http one, or with a path', () => {
    const { PUBLIC_URL: _, ...unset } = production;
    expect(() => loadAuthServiceConfig(unset)).toThrow(/PUBLIC_URL: is required/);
    expect(() => loadAuthServiceConfig({ ...production, PUBLIC_URL: 'http://api.example.com' })).toThrow(
      /PUBLIC_URL: must be an https URL/,
    );
    expect(() => loadAuthServiceConfig({ ...production, PUBLIC_URL: 'api.example.com' })).toThrow(
      /PUBLIC_URL: must be a URL/,
    );
    expect(() => loadAuthServiceConfig({ ...production, PUBLIC_URL: 'https://example.com/api' })).toThrow(
      /PUBLIC_URL: must be an origin only/,
    );
  });
});
