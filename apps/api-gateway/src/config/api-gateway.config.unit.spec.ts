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
});
