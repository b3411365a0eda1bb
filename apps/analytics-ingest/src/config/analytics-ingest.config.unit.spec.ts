import { ConfigError } from '@platform/observability';
import { loadAnalyticsIngestConfig } from './analytics-ingest.config';

describe('analytics-ingest config', () => {
  it('has local defaults for everything', () => {
    expect(loadAnalyticsIngestConfig({})).toMatchObject({
      ANALYTICS_HTTP_PORT: 3004,
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      ANALYTICS_CLICKHOUSE_DATABASE: 'analytics',
      ANALYTICS_BATCH_MAX_ROWS: 5_000,
      ANALYTICS_BATCH_MAX_WAIT_MS: 500,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadAnalyticsIngestConfig({ CLICKHOUSE_URL: 'tcp://x' })).toThrow(ConfigError);
    expect(() => loadAnalyticsIngestConfig({ CLICKHOUSE_URL: 'tcp://x' })).toThrow(/CLICKHOUSE_URL/);
    expect(() => loadAnalyticsIngestConfig({ ANALYTICS_BATCH_MAX_ROWS: '0' })).toThrow(
      /ANALYTICS_BATCH_MAX_ROWS/,
    );
    expect(() => loadAnalyticsIngestConfig({ ANALYTICS_CLICKHOUSE_DATABASE: 'a;drop' })).toThrow(
      /ANALYTICS_CLICKHOUSE_DATABASE/,
    );
  });
});
