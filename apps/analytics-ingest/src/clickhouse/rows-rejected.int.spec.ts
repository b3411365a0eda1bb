import { createClient } from '@clickhouse/client';
import { infraEnv, uniqueName } from '@platform/testing';
import { isClickHouseUnavailable } from './clickhouse-unavailable';
import { areRowsRejected } from './rows-rejected';

/** What the real server answers decides whether a failed insert is the rows' fault or an outage. */
describe('areRowsRejected (real ClickHouse)', () => {
  const client = createClient({
    url: infraEnv.clickhouseUrl,
    username: infraEnv.clickhouseUser,
    password: infraEnv.clickhousePassword,
  });
  const table = uniqueName('rows_rejected');

  beforeAll(async () => {
    await client.command({ query: `CREATE TABLE ${table} (id String, at UInt64) ENGINE = Memory` });
  });
  afterAll(async () => {
    await client.command({ query: `DROP TABLE IF EXISTS ${table}` });
    await client.close();
  });

  it('says a row that does not parse into its column is rejected for its content', async () => {
    const error = await client
      .insert({ table, values: [{ id: 'a', at: 'not a number' }], format: 'JSONEachRow' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(areRowsRejected(error)).toBe(true);
    expect(isClickHouseUnavailable(error)).toBe(false);
  });

  it('does not blame the rows when ClickHouse cannot be reached', async () => {
    const away = createClient({ url: 'http://127.0.0.1:1', request_timeout: 2_000 });
    const error = await away.insert({ table, values: [{ id: 'a', at: 1 }], format: 'JSONEachRow' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await away.close();
    expect(areRowsRejected(error)).toBe(false);
    expect(isClickHouseUnavailable(error)).toBe(true);
  });
});
