// The failover drill's two regions on one host: each a set of native servers (tools/infra/infra.sh)
// under an INFRA_HOME of its own, on ports of its own, and the runbook's server steps
// (tools/drill/region.sh) run against one of them.
import type { InfraEnv } from '@platform/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '../../..');

export type RegionName = 'a' | 'b';
export type Server = 'postgres' | 'redis' | 'kafka' | 'clickhouse' | 'mongo';

/** Every port one region's servers listen on (loopback). */
export interface RegionPorts {
  kafka: number;
  kafkaController: number;
  postgres: number;
  redis: number;
  clickhouseHttp: number;
  clickhouseTcp: number;
  mongo: number;
}

export interface Region {
  name: RegionName;
  /** Its INFRA_HOME: binaries, data, logs and pid files of its servers. */
  home: string;
  ports: RegionPorts;
  /** Where its servers answer, as the apps and the stores' readers take them. */
  servers: InfraEnv;
}

/**
 * Region A's ports start at 19000 and B's are A's plus 100: below the range the test helpers hand
 * out to apps (20000-32000) and the kernel's ephemeral range, so a returning region finds them free.
 */
export function region(name: RegionName): Region {
  const offset = name === 'a' ? 0 : 100;
  const ports: RegionPorts = {
    kafka: 19_092 + offset,
    kafkaController: 19_093 + offset,
    postgres: 19_432 + offset,
    redis: 19_379 + offset,
    clickhouseHttp: 19_123 + offset,
    clickhouseTcp: 19_000 + offset,
    mongo: 19_017 + offset,
  };
  return {
    name,
    home: join(root, '.infra/drill', name),
    ports,
    servers: {
      kafkaBrokers: [`127.0.0.1:${ports.kafka}`],
      postgresUrl: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/postgres`,
      redisUrl: `redis://127.0.0.1:${ports.redis}`,
      clickhouseUrl: `http://127.0.0.1:${ports.clickhouseHttp}`,
      clickhouseUser: 'default',
      clickhousePassword: '',
      mongoUrl: `mongodb://127.0.0.1:${ports.mongo}`,
    },
  };
}

/** The environment infra.sh and region.sh read for this region (native servers, its home and ports). */
function regionEnv(region: Region): NodeJS.ProcessEnv {
  const { ports } = region;
  return {
    ...process.env,
    INFRA_MODE: 'native',
    INFRA_HOME: region.home,
    KAFKA_PORT: String(ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ports.kafkaController),
    POSTGRES_PORT: String(ports.postgres),
    POSTGRES_PASSWORD: 'postgres',
    REDIS_PORT: String(ports.redis),
    CLICKHOUSE_HTTP_PORT: String(ports.clickhouseHttp),
    CLICKHOUSE_TCP_PORT: String(ports.clickhouseTcp),
    CLICKHOUSE_PASSWORD: '',
    MONGO_PORT: String(ports.mongo),
    // Two brokers and MirrorMaker share two cores and the apps: smaller heaps than the dev stack's.
    KAFKA_HEAP_MB: '512',
    KAFKA_PROXIED_PORT: '',
  };
}

async function script(region: Region, path: string, args: string[]): Promise<string> {
  try {
    const { stderr } = await run('bash', [join(root, path), ...args], {
      cwd: root,
      env: regionEnv(region),
      timeout: 600_000,
    });
    return stderr;
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(`region ${region.name}: ${path} ${args.join(' ')} failed:\n${stderr.slice(-2_000)}`, {
      cause: error,
    });
  }
}

/** infra.sh up|down for some of the region's servers; resolves when each answers (or stopped). */
export const servers = (region: Region, command: 'up' | 'down', ...names: Server[]) =>
  script(region, 'tools/infra/infra.sh', [command, ...names]);

/** One runbook step of tools/drill/region.sh (standby, promote, rewind, mm2-up, mm2-down, kill, wipe). */
export const step = (region: Region, ...args: string[]) => script(region, 'tools/drill/region.sh', args);
