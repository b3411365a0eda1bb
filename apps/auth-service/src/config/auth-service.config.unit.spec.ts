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
