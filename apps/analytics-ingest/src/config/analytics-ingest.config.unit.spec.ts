import { ConfigError } from '@platform/observability';
import { loadAnalyticsIngestConfig } from './analytics-ingest.config';

describe('analytics-ingest config', () => {
  it('has local defaults for everything', () => {
    expect(loadAnalyticsIngestConfig({ NODE_ENV: 'development' })).toMatchObject({
      ANALYTICS_HTTP_PORT: 3004,
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      ANALYTICS_CLICKHOUSE_DATABASE: 'analytics',
      ANALYTICS_BATCH_MAX_ROWS: 5_000,
      ANALYTICS_BATCH_MAX_WAIT_MS: 200,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadAnalyticsIngestConfig({ NODE_ENV: 'development', CLICKHOUSE_URL: 'tcp://x' })).toThrow(
      ConfigError,
    );
    expect(() => loadAnalyticsIngestConfig({ NODE_ENV: 'development', CLICKHOUSE_URL: 'tcp://x' })).toThrow(
      /CLICKHOUSE_URL/,
    );
    expect(() =>
      loadAnalyticsIngestConfig({ NODE_ENV: 'development', ANALYTICS_BATCH_MAX_ROWS: '0' }),
    ).toThrow(/ANALYTICS_BATCH_MAX_ROWS/);
    expect(() =>
      loadAnalyticsIngestConfig({ NODE_ENV: 'development', ANALYTICS_CLICKHOUSE_DATABASE: 'a;drop' }),
    ).toThrow(/ANALYTICS_CLICKHOUSE_DATABASE/);
  });
});
