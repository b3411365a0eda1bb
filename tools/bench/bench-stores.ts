/**
 * The shared servers a benchmark uses besides its own broker (PostgreSQL, ClickHouse, FerretDB,
 * Redis), and the stores a run makes on them: each one under a name of the run (bench-names.ts),
 * its removal registered on the run's teardown as soon as it may exist. Removing refuses any name
 * that is not a benchmark's, so a slip can never drop a development system's data.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { infraEnv } from '@platform/testing';
import { Client } from 'pg';
import { assertBenchName } from './bench-names';
import type { Teardown } from './harness';

/** The servers, from the environment (`eval "$(bash tools/infra/infra.sh env)"`) or the local defaults. */
export const servers = infraEnv;

/** The URL of `database` on the PostgreSQL server. */
export const postgresUrlOf = (database: string): string =>
  servers.postgresUrl.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);

/** Runs `work` on an administrative connection to PostgreSQL; says how to start it when it is down. */
async function withPostgres<T>(work: (pg: Client) => Promise<T>): Promise<T> {
  const pg = new Client({ connectionString: servers.postgresUrl });
  await pg.connect().catch((err: Error) => {
    throw new Error(
      `PostgreSQL is not reachable at ${servers.postgresUrl} (${err.message}): run npm run infra:up`,
    );
  });
  try {
    return await work(pg);
  } finally {
    await pg.end();
  }
}

/**
 * A PostgreSQL database of the run: created now when `create` (else the app creates it), dropped
 * by the teardown (with its connections). Resolves with its URL.
 */
export async function postgresDatabase(
  teardown: Teardown,
  database: string,
  { create }: { create: boolean },
): Promise<string> {
  assertBenchName('PostgreSQL database', database);
  teardown.add(`drop PostgreSQL database ${database}`, () =>
    withPostgres((pg) => pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)),
  );
  await withPostgres(async (pg) => {
    if (create) await pg.query(`CREATE DATABASE ${database}`);
  });
  return postgresUrlOf(database);
}

/** A ClickHouse client of the server, closed by the teardown. */
export function clickhouseClient(teardown: Teardown): ClickHouseClient {
  const clickhouse = createClient({
    url: servers.clickhouseUrl,
    username: servers.clickhouseUser,
    password: servers.clickhousePassword,
  });
  teardown.add('close the ClickHouse client', () => clickhouse.close());
  return clickhouse;
}

/** A ClickHouse database of the run (the app or the bench creates it), dropped by the teardown. */
export function clickhouseDatabase(teardown: Teardown, database: string): string {
  assertBenchName('ClickHouse database', database);
  teardown.add(`drop ClickHouse database ${database}`, async () => {
    const clickhouse = createClient({
      url: servers.clickhouseUrl,
      username: servers.clickhouseUser,
      password: servers.clickhousePassword,
    });
    try {
      await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    } finally {
      await clickhouse.close();
    }
  });
  return database;
}

/**
 * A FerretDB (MongoDB wire protocol) database of the run, dropped by the teardown. Resolves with a
 * connection to it, closed by the teardown after the drop.
 */
export async function mongoDatabase(teardown: Teardown, database: string): Promise<mongoose.Connection> {
  assertBenchName('FerretDB database', database);
  const connection = await mongoose.createConnection(servers.mongoUrl, { dbName: database }).asPromise();
  teardown.add(`close the FerretDB connection`, () => connection.close());
  teardown.add(`drop FerretDB database ${database}`, () => connection.dropDatabase());
  return connection;
}

/** A Redis key prefix of the run: its keys are deleted by the teardown. */
export function redisPrefix(teardown: Teardown, prefix: string): string {
  assertBenchName('Redis key prefix', prefix);
  teardown.add(`delete Redis keys ${prefix}*`, async () => {
    const redis = new Redis(servers.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }))
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    } finally {
      redis.disconnect();
    }
  });
  return prefix;
}
