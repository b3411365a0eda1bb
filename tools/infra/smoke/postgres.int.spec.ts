import { Client } from 'pg';
import { infraEnv, reach, uniqueName } from '@platform/testing';

describe('PostgreSQL', () => {
  const schema = uniqueName('smoke');
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: infraEnv.postgresUrl });
    await reach('PostgreSQL', infraEnv.postgresUrl.replace(/:[^:@/]*@/, ':***@'), () => client.connect());
    await client.query(`CREATE SCHEMA ${schema}`);
  });

  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('enforces a unique (aggregate_id, version) and rolls back a failed transaction whole', async () => {
    await client.query(
      `CREATE TABLE ${schema}.events (aggregate_id text NOT NULL, version int NOT NULL, payload jsonb NOT NULL,
       PRIMARY KEY (aggregate_id, version))`,
    );
    await client.query(`INSERT INTO ${schema}.events VALUES ('a', 1, '{"n":1}')`);

    await client.query('BEGIN');
    await client.query(`INSERT INTO ${schema}.events VALUES ('a', 2, '{"n":2}')`);
    await expect(
      client.query(`INSERT INTO ${schema}.events VALUES ('a', 1, '{"n":3}')`),
    ).rejects.toMatchObject({
      code: '23505', // unique_violation
    });
    await client.query('ROLLBACK');

    const { rows } = await client.query(`SELECT version, payload FROM ${schema}.events ORDER BY version`);
    expect(rows).toEqual([{ version: 1, payload: { n: 1 } }]);
  });

  it('delivers LISTEN/NOTIFY wake-ups', async () => {
    const channel = uniqueName('wake');
    const listener = new Client({ connectionString: infraEnv.postgresUrl });
    await listener.connect();
    try {
      const received = new Promise<string | undefined>((resolve) =>
        listener.on('notification', (n) => resolve(n.payload)),
      );
      await listener.query(`LISTEN ${channel}`);
      await client.query(`SELECT pg_notify($1, 'outbox')`, [channel]);
      await expect(received).resolves.toBe('outbox');
    } finally {
      await listener.end();
    }
  });
});
