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
