import { infraEnv, reach, uniqueName } from '@platform/testing';
import { Client } from 'pg';
import { ensureDatabase } from './ensure-database';

const database = uniqueName('ensure_db_int');
const databaseUrl = infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
let admin: Client;

beforeAll(async () => {
  admin = new Client({ connectionString: infraEnv.postgresUrl });
  await reach('PostgreSQL', infraEnv.postgresUrl, () => admin.connect());
});

afterAll(async () => {
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
});

const exists = async () =>
  (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;

describe('ensureDatabase', () => {
  it('creates a missing database, and leaves it be when two starts race or it already exists', async () => {
    expect(await exists()).toBe(false);
    await Promise.all([ensureDatabase(databaseUrl), ensureDatabase(databaseUrl)]);
    expect(await exists()).toBe(true);
    await ensureDatabase(databaseUrl);
    expect(await exists()).toBe(true);
  });

  it('refuses a database name that would need quoting, before it connects', async () => {
    await expect(ensureDatabase(infraEnv.postgresUrl.replace(/\/[^/]*$/, '/Bad-Name'))).rejects.toThrow(
      /not a plain lowercase SQL identifier/,
    );
  });
});
