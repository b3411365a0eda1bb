import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { infraEnv, reach, uniqueName } from '@platform/testing';

// DDL and queries kept to what Debian's ClickHouse 18.16 and current releases both accept.
describe('ClickHouse', () => {
  const database = uniqueName('smoke');
  let client: ClickHouseClient;

  beforeAll(async () => {
    client = createClient({
      url: infraEnv.clickhouseUrl,
      username: infraEnv.clickhouseUser,
      password: infraEnv.clickhousePassword,
    });
    await reach('ClickHouse', infraEnv.clickhouseUrl, async () => {
      const { success } = await client.ping();
      if (!success) throw new Error('ping failed');
    });
    await client.command({ query: `CREATE DATABASE ${database}` });
  });

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
  });

  it('collapses redelivered rows by id in a ReplacingMergeTree read with FINAL', async () => {
    await client.command({
      query: `CREATE TABLE ${database}.events (
          id String, type String, occurred_at DateTime, occurred_at_ms UInt64, ver UInt64
        ) ENGINE = ReplacingMergeTree(ver)
        PARTITION BY toYYYYMM(occurred_at) ORDER BY (type, id)`,
    });
    const row = (id: string, type: string) => ({
      id,
      type,
      occurred_at: '2026-11-25 10:00:00',
      occurred_at_ms: 1_795_600_800_000,
      ver: 1,
    });
    // The same batch twice, as a consumer would write it after a redelivery.
    const batch = [row('e1', 'OrderPlaced'), row('e2', 'OrderPlaced'), row('e3', 'OrderShipped')];
    await client.insert({ table: `${database}.events`, values: batch, format: 'JSONEachRow' });
    await client.insert({ table: `${database}.events`, values: batch, format: 'JSONEachRow' });

    const result = await client.query({
      query: `SELECT type, count() AS n FROM ${database}.events FINAL GROUP BY type ORDER BY type`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([
      { type: 'OrderPlaced', n: '2' },
      { type: 'OrderShipped', n: '1' },
    ]);
  });
});
