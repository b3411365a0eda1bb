import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { ConfigError } from '@platform/observability';
import { loadApiGatewayConfig } from './api-gateway.config';

describe('api-gateway config', () => {
  it('runs locally with no variables set, routing to the services on their local ports', () => {
    expect(loadApiGatewayConfig({ NODE_ENV: 'development' })).toMatchObject({
      GATEWAY_HTTP_PORT: 3000,
      AUTH_SERVICE_URL: 'http://127.0.0.1:3001',
      ORDER_SERVICE_URL: 'http://127.0.0.1:3002',
    });
  });

  it('refuses to start on a bad upstream URL and names the variable', () => {
    expect(() => loadApiGatewayConfig({ NODE_ENV: 'development', ORDER_SERVICE_URL: 'orders:3002' })).toThrow(
      ConfigError,
    );
    expect(() => loadApiGatewayConfig({ NODE_ENV: 'development', ORDER_SERVICE_URL: 'orders:3002' })).toThrow(
      /ORDER_SERVICE_URL/,
    );
  });

  it('reads a route table and rate-limit classes from the environment', () => {
    const config = loadApiGatewayConfig({
      NODE_ENV: 'development',
      GATEWAY_ROUTES: '[{"prefix":"/orders","upstream":"orders","timeoutMs":200}]',
      GATEWAY_RATE_LIMITS: 'standard=10/1, auth=2/60',
    });
    expect(config.GATEWAY_ROUTES?.[0]).toMatchObject({ prefix: '/orders', timeoutMs: 200, auth: true });
    expect(config.GATEWAY_RATE_LIMITS).toEqual({
      standard: { limit: 10, windowSeconds: 1 },
      auth: { limit: 2, windowSeconds: 60 },
      mcp: { limit: 600, windowSeconds: 60 },
      'mcp-destructive': { limit: 5, windowSeconds: 60 },
    });
  });

  it('names its public origin http://127.0.0.1:3000 in development and requires an https one elsewhere', () => {
    expect(loadApiGatewayConfig({ NODE_ENV: 'development' }).PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(loadApiGatewayConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://localhost:8080/' }).PUBLIC_URL).toBe(
      'http://localhost:8080',
    );
    const production = {
      NODE_ENV: 'production',
      GATEWAY_IDENTITY_SIGNING_KEY: 'k'.repeat(64),
      REDIS_URL: `redis://:${'p'.repeat(32)}@redis:6379`,
    };
    expect(() => loadApiGatewayConfig(production)).toThrow(/PUBLIC_URL: is required outside/);
    expect(() => loadApiGatewayConfig({ ...production, PUBLIC_URL: 'http://api.example.com' })).toThrow(
      /PUBLIC_URL: must be https/,
    );
    expect(() => loadApiGatewayConfig({ ...production, PUBLIC_URL: 'https://api.example.com/v1' })).toThrow(
      /PUBLIC_URL: must be an origin/,
    );
    expect(loadApiGatewayConfig({ ...production, PUBLIC_URL: 'https://api.example.com' }).PUBLIC_URL).toBe(
      'https://api.example.com',
    );
  });

  it('refuses the published signing key outside development, a bad route table and a malformed rate-limit class', () => {
    expect(() =>
      loadApiGatewayConfig({
        NODE_ENV: 'production',
        GATEWAY_IDENTITY_SIGNING_KEY: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey,
      }),
    ).toThrow(/GATEWAY_IDENTITY_SIGNING_KEY: is a value published in the repository/);
    expect(() => loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_ROUTES: 'not json' })).toThrow(
      /GATEWAY_ROUTES/,
    );
    expect(() =>
      loadApiGatewayConfig({
        NODE_ENV: 'development',
        GATEWAY_ROUTES: '[{"prefix":"/admin/x","upstream":"dlq"}]',
      }),
    ).toThrow(/admin role/);
    expect(() =>
      loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_RATE_LIMITS: 'standard=ten' }),
    ).toThrow(/GATEWAY_RATE_LIMITS/);
  });

  it('bounds the requests in flight per upstream, 64 unless set, and refuses a bound that admits nothing', () => {
    expect(loadApiGatewayConfig({ NODE_ENV: 'development' }).GATEWAY_UPSTREAM_MAX_IN_FLIGHT).toBe(64);
    expect(
      loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_UPSTREAM_MAX_IN_FLIGHT: '16' })
        .GATEWAY_UPSTREAM_MAX_IN_FLIGHT,
    ).toBe(16);
    for (const bad of ['0', '-1', 'many', '2.5']) {
      expect(() =>
        loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_UPSTREAM_MAX_IN_FLIGHT: bad }),
      ).toThrow(/GATEWAY_UPSTREAM_MAX_IN_FLIGHT/);
    }
  });

  it('lets a not-revoked answer stand in for Redis 500 ms unless set, 0 to never, and refuses more than the second revocations are promised in', () => {
    expect(loadApiGatewayConfig({ NODE_ENV: 'development' }).GATEWAY_REVOCATION_CACHE_MS).toBe(500);
    expect(
      loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_REVOCATION_CACHE_MS: '0' })
        .GATEWAY_REVOCATION_CACHE_MS,
    ).toBe(0);
    for (const bad of ['-1', '1001', 'soon']) {
      expect(() =>
        loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_REVOCATION_CACHE_MS: bad }),
      ).toThrow(/GATEWAY_REVOCATION_CACHE_MS/);
    }
  });

  it('caches 10 000 verified tokens unless set, none with 0, and refuses a size that is not a count', () => {
    expect(loadApiGatewayConfig({ NODE_ENV: 'development' }).GATEWAY_TOKEN_CACHE_SIZE).toBe(10_000);
    expect(
      loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_TOKEN_CACHE_SIZE: '0' })
        .GATEWAY_TOKEN_CACHE_SIZE,
    ).toBe(0);
    for (const bad of ['-1', '1.5', 'many']) {
      expect(() => loadApiGatewayConfig({ NODE_ENV: 'development', GATEWAY_TOKEN_CACHE_SIZE: bad })).toThrow(
        /GATEWAY_TOKEN_CACHE_SIZE/,
      );
    }
  });
});
