import { loadOrderServiceConfig } from './order-service.config';

describe('order-service config', () => {
  it('runs locally with no variables set, with the gateway’s local identity secret', () => {
    expect(loadOrderServiceConfig({})).toMatchObject({
      ORDER_HTTP_PORT: 3002,
      ORDER_DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/orders',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      GATEWAY_IDENTITY_SECRET: 'local-dev-identity-secret-change-me-0123456789',
    });
  });

  it('refuses a short identity secret, naming the variable', () => {
    expect(() => loadOrderServiceConfig({ GATEWAY_IDENTITY_SECRET: 'short' })).toThrow(
      /GATEWAY_IDENTITY_SECRET/,
    );
  });
});
