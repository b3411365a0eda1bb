/**
 * The names of everything one benchmark run creates: topics, consumer groups, databases (PostgreSQL,
 * ClickHouse, FerretDB) and Redis key prefixes. All start with `bench` and carry the run's id, so
 * that a run can never write into, read from or delete what a development system uses on the same
 * servers, and so that what a run left behind is recognisable by name.
 */
import { Topics } from '@platform/contracts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Longest database name PostgreSQL keeps (longer ones are truncated, silently). */
const MAX_DATABASE_NAME = 63;

/** A bench name: `bench` and a separator, then lowercase letters, digits and `._:-`. */
const BENCH_NAME = /^bench[._:-][a-z0-9._:-]+$/;

/** The names of one run of one benchmark. */
export class BenchNames {
  /** `<bench>_<id>`: the run, in every name below. */
  readonly run: string;

  /** `bench` is the benchmark's name (`analytics`); `id` is unique per run unless given. */
  constructor(
    readonly bench: string,
    readonly id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`,
  ) {
    if (!/^[a-z][a-z0-9-]*$/.test(bench))
      throw new Error(`bench name ${bench}: lowercase letters, digits, -`);
    if (!/^[a-z0-9]+$/.test(id)) throw new Error(`run id ${id}: lowercase letters and digits`);
    this.run = `${bench.replace(/-/g, '_')}_${id}`;
  }

  /** A Kafka topic of this run: `bench.<bench>.<id>.<part>`. */
  topic(part: string): string {
    return `bench.${this.bench}.${this.id}.${safe(part, '.')}`;
  }

  /** A Kafka consumer group (or transactional id) of this run: `bench-<bench>-<id>-<part>`. */
  group(part: string): string {
    return `bench-${this.bench}-${this.id}-${safe(part, '-')}`;
  }

  /**
   * A database of this run, valid unquoted in PostgreSQL, ClickHouse and FerretDB alike:
   * `bench_<bench>_<id>_<part>`, at most 63 characters.
   */
  database(part: string): string {
    const name = `bench_${this.run}_${safe(part, '_')}`;
    if (name.length > MAX_DATABASE_NAME) throw new Error(`database name ${name} is over 63 characters`);
    return name;
  }

  /** A Redis key prefix of this run: `bench:<bench>:<id>:<part>:`. */
  redisPrefix(part: string): string {
    return `bench:${this.bench}:${this.id}:${safe(part, ':')}:`;
  }

  /** Whether `name` is one this run made. */
  owns(name: string): boolean {
    return isBenchName(name) && name.includes(this.id);
  }
}

/** Lowercase; anything but letters and digits becomes `separator`. */
function safe(part: string, separator: string): string {
  if (part.length === 0) throw new Error('a name part must not be empty');
  return part.toLowerCase().replace(/[^a-z0-9]+/g, separator);
}

/** Whether `name` has the shape of a benchmark's name (and so is none of a development system's). */
export function isBenchName(name: string): boolean {
  return BENCH_NAME.test(name);
}

/** What a development system uses on the shared servers, by kind. */
export interface DevNames {
  topics: Set<string>;
  groups: Set<string>;
  databases: Set<string>;
  redisPrefixes: Set<string>;
  brokers: Set<string>;
}

/**
 * The names a running development system uses: every topic of the registry with its retry and
 * DLQ topics, and the groups, databases, Redis prefixes and broker address of `.env.example`
 * (the defaults `npm start` runs with), plus the broker in this process's KAFKA_BROKERS.
 */
export function devNames(root = join(__dirname, '../..')): DevNames {
  const env = Object.fromEntries(
    readFileSync(join(root, '.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  const values = (pattern: RegExp) =>
    Object.entries(env)
      .filter(([key, value]) => pattern.test(key) && value !== '')
      .map(([, value]) => value);
  const databaseOf = (url: string) => new URL(url).pathname.replace(/^\//, '');
  return {
    topics: new Set(Object.values(Topics).flatMap((topic) => [topic.name, topic.retry, topic.dlq])),
    groups: new Set(values(/_GROUP$/)),
    databases: new Set([
      ...values(/_DATABASE$/),
      ...values(/_DATABASE_URL$|^POSTGRES_URL$/).map(databaseOf),
      // FerretDB keeps its documents in this PostgreSQL database (tools/infra/infra.sh).
      'ferretdb',
    ]),
    redisPrefixes: new Set(values(/_PREFIX$/)),
    brokers: new Set(
      [...values(/^KAFKA_BROKERS$/), process.env['KAFKA_BROKERS'] ?? '']
        .flatMap((list) => list.split(','))
        .filter(Boolean),
    ),
  };
}

/** A name a benchmark was about to use on a shared server that is not one of its own. */
export class NotABenchName extends Error {
  readonly code = 'BENCH.NOT_A_BENCH_NAME';

  constructor(kind: string, name: string) {
    super(`${kind} "${name}" is not a benchmark's name (bench-names.ts): a development system may use it`);
  }
}

/** Throws NotABenchName unless `name` is a benchmark's name. */
export function assertBenchName(kind: string, name: string): void {
  if (!isBenchName(name)) throw new NotABenchName(kind, name);
}
