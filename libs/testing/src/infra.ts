/**
 * Where the real servers are, read from the same variables the apps use, with the defaults of
 * `npm run infra:up` (tools/infra/infra.sh) and of docker-compose.yml.
 */
export const infraEnv = {
  kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
  postgresUrl: process.env['POSTGRES_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  clickhouseUrl: process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123',
  clickhouseUser: process.env['CLICKHOUSE_USER'] ?? 'default',
  clickhousePassword: process.env['CLICKHOUSE_PASSWORD'] ?? '',
  mongoUrl: process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017',
} as const;

/** Where one set of servers is (the failover drill runs two: one per region). */
export type InfraEnv = typeof infraEnv;

/**
 * Wraps a failed first contact with a server in an error that says how to start it: a test
 * that needs a server fails loudly with the fix, it never skips.
 */
export async function reach<T>(server: string, address: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    throw new Error(
      `${server} is not reachable at ${address} (${(err as Error).message}). ` +
        'Start the infrastructure with `npm run infra:up` (or `docker compose up -d`), then rerun the tests.',
      { cause: err },
    );
  }
}
