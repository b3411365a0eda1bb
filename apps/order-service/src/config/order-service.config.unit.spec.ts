import { DEVELOPMENT_GATEWAY_IDENTITY_KEYS } from '@platform/identity';
import { loadOrderServiceConfig } from './order-service.config';

describe('order-service config', () => {
  it('runs in development with no variables set, trusting the development gateway key', () => {
    expect(loadOrderServiceConfig({ NODE_ENV: 'development' })).toMatchObject({
      ORDER_HTTP_PORT: 3002,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      GATEWAY_IDENTITY_PUBLIC_KEYS: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
    });
  });

  it('refuses to start outside development with the published gateway key, naming the variable', () => {
    expect(() =>
      loadOrderServiceConfig({
        NODE_ENV: 'production',
        GATEWAY_IDENTITY_PUBLIC_KEYS: DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey,
      }),
    ).toThrow(/GATEWAY_IDENTITY_PUBLIC_KEYS: is a value published in the repository/);
    expect(() => loadOrderServiceConfig({ NODE_ENV: 'production' })).toThrow(
      /GATEWAY_IDENTITY_PUBLIC_KEYS: is required outside/,
    );
  });
});
