import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNames, devNames, isBenchName, assertBenchName, NotABenchName } from './bench-names';

// A benchmark shares PostgreSQL, ClickHouse, FerretDB and Redis with a development system (and
// would share the broker but for bench-kafka.ts): these tests keep every name a run makes apart
// from the names that system uses.
const dev = devNames();
const everyDevName = [...dev.topics, ...dev.groups, ...dev.databases, ...dev.redisPrefixes];
const kinds = ['topic', 'group', 'database', 'redisPrefix'] as const;
/** Parts a bench might pass that look like the system's own names. */
const parts = ['order.events', 'analytics-ingest', 'orders', 'auth', 'dlq', 'rl', 'round 1'];

describe('benchmark names', () => {
  it('knows the development system uses the registry topics and the stores of .env.example', () => {
    expect(dev.topics).toContain('order.events');
    expect(dev.topics).toContain('order.events.dlq');
    expect(dev.groups).toContain('analytics-ingest');
    for (const database of ['orders', 'auth', 'analytics', 'dlq', 'notifications'])
      expect(dev.databases).toContain(database);
    expect(dev.redisPrefixes).toContain('gateway:rl:');
    expect(dev.brokers).toContain('127.0.0.1:9092');
  });

  it('gives every kind of store a name of the run, none of them a development name', () => {
    const names = new BenchNames('analytics');
    for (const kind of kinds) {
      for (const part of parts) {
        const name = names[kind](part);
        expect(isBenchName(name)).toBe(true);
        expect(names.owns(name)).toBe(true);
        expect(everyDevName).not.toContain(name);
        for (const devName of everyDevName) expect(name.startsWith(devName)).toBe(false);
      }
    }
  });

  it('takes none of the development names for a bench name', () => {
    for (const name of everyDevName) expect(isBenchName(name)).toBe(false);
    expect(() => assertBenchName('ClickHouse database', 'analytics')).toThrow(NotABenchName);
  });

  it('makes database names that PostgreSQL, ClickHouse and FerretDB take unquoted', () => {
    const database = new BenchNames('kafka-clients').database('round 12 direct');
    expect(database).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
  });

  it('gives two runs of one benchmark different names, and neither owns the other', () => {
    const [first, second] = [new BenchNames('orders'), new BenchNames('orders')];
    expect(first.database('orders')).not.toBe(second.database('orders'));
    expect(second.owns(first.topic('relay'))).toBe(false);
  });
});

describe('benchmark scripts', () => {
  const dir = __dirname;
  const sources = readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
  const scripts = sources.filter(({ file }) => file.endsWith('.bench.ts'));
  const reachesServers =
    /from '(?:kafkajs|pg|ioredis|mongoose|@clickhouse\/client|\.\/bench-kafka|\.\/bench-stores|\.\/built-app|\.\/order-pipeline)'/;

  it("never reach the development broker: a broker's address comes from the run's own broker", () => {
    const found = sources.flatMap(({ file, text }) => [
      ...(file !== 'bench-names.ts' && /process\.env\[?.?KAFKA_BROKERS/.test(text)
        ? [`${file} reads KAFKA_BROKERS`]
        : []),
      ...(/:9092\b/.test(text) ? [`${file} names the development broker's port`] : []),
      ...(file !== 'bench-kafka.ts' && /new Kafka\(/.test(text)
        ? [`${file} makes a kafkajs client of its own`]
        : []),
    ]);
    // A type-only import reaches nothing (bench:runtime-overhead feeds the runtime from memory).
    const withoutOwnBroker = scripts
      .filter(({ text }) =>
        /import\s+(?!type\b)[^;]*from '(?:kafkajs|@platform\/messaging)'|order-pipeline/.test(text),
      )
      .filter(({ text }) => !/startBenchKafka\(/.test(text))
      .map(({ file }) => `${file} uses Kafka without startBenchKafka`);
    expect([...found, ...withoutOwnBroker]).toEqual([]);
  });

  it('start apps only through startBuiltApp, which refuses the development stores', () => {
    const spawning = sources.filter(({ file, text }) => file !== 'built-app.ts' && /\bspawn\(/.test(text));
    expect(spawning.map(({ file }) => file)).toEqual([]);
  });

  it('run under runBench whenever they reach a server, so that a failed or interrupted run is torn down', () => {
    const unguarded = scripts.filter(({ text }) => reachesServers.test(text) && !/\brunBench\('/.test(text));
    expect(unguarded.map(({ file }) => file)).toEqual([]);
  });
});
