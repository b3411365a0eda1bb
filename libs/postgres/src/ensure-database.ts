import { assertIdentifier } from './sql-identifier';
import { Client } from 'pg';

/**
 * Creates the service's database when it is missing (a fresh local server, a test's own
 * database), connecting to the server's `postgres` database to do it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = assertIdentifier(decodeURIComponent(url.pathname.slice(1)));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      // Two instances starting together may both try: the loser's duplicate is harmless.
      await client.query(`CREATE DATABASE ${name}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
