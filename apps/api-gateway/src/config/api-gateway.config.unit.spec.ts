import { ConfigError } from '@platform/observability';
import { loadApiGatewayConfig } from './api-gateway.config';

describe('api-gateway config', () => {
  it('runs locally with no variables set, routing to the services on their local ports', () => {
    expect(loadApiGatewayConfig({})).toMatchObject({
      GATEWAY_HTTP_PORT: 3000,
      AUTH_SERVICE_URL: 'http://127.0.0.1:3001',
      ORDER_SERVICE_URL: 'http://127.0.0.1:3002',
    });
  });

  it('refuses to start on a bad upstream URL and names the variable', () => {
    expect(() => loadApiGatewayConfig({ ORDER_SERVICE_URL: 'orders:3002' })).toThrow(ConfigError);
    expect(() => loadApiGatewayConfig({ ORDER_SERVICE_URL: 'orders:3002' })).toThrow(/ORDER_SERVICE_URL/);
  });

  it('reads a route table and rate-limit classes from the environment', () => {
    const config = loadApiGatewayConfig({
      GATEWAY_ROUTES: '[{"prefix":"/orders","upstream":"orders","timeoutMs":200}]',
      GATEWAY_RATE_LIMITS: 'standard=10/1, auth=2/60',
    });
    expect(config.GATEWAY_ROUTES?.[0]).toMatchObject({ prefix: '/orders', timeoutMs: 200, auth: true });
    expect(config.GATEWAY_RATE_LIMITS).toEqual({
      standard: { limit: 10, windowSeconds: 1 },
      auth: { limit: 2, windowSeconds: 60 },
    });
  });

  it('refuses a short identity secret, a bad route table and a malformed rate-limit class', () => {
    expect(() => loadApiGatewayConfig({ GATEWAY_IDENTITY_SECRET: 'short' })).toThrow(
      /GATEWAY_IDENTITY_SECRET/,
    );
    expect(() => loadApiGatewayConfig({ GATEWAY_ROUTES: 'not json' })).toThrow(/GATEWAY_ROUTES/);
    expect(() =>
      loadApiGatewayConfig({ GATEWAY_ROUTES: '[{"prefix":"/admin/x","upstream":"dlq"}]' }),
    ).toThrow(/admin role/);
    expect(() => loadApiGatewayConfig({ GATEWAY_RATE_LIMITS: 'standard=ten' })).toThrow(
      /GATEWAY_RATE_LIMITS/,
    );
  });
});
