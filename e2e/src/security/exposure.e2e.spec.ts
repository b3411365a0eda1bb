// Where the apps listen and what they refuse to start with: the six built apps as real processes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, startSystem, type AppName, type RunningSystem } from '../whole-system.spec-helper';

const root = join(__dirname, '../../..');

/**
 * The local addresses this host listens on at `port` (TCP LISTEN sockets, IPv4 and IPv6), from
 * /proc/net/tcp{,6}: what a caller on another host could connect to is what is not loopback.
 */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const addresses: string[] = [];
  for (const [file, decode] of [['/proc/net/tcp', ipv4] as const, ['/proc/net/tcp6', ipv6] as const]) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, localPort] = (local ?? '').split(':');
      if (state === '0A' && localPort === hexPort && address) addresses.push(decode(address));
    }
  }
  return addresses;
}

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit hex word. */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

/** ...and an IPv6 address as four such words. */
function ipv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${ipv4(hex.slice(24))}`;
  return hex;
}

/** Runs a built app with only `env` (and PATH) and resolves with its exit code and output. */
function runBuiltApp(
  app: AppName,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js')], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${app} was still running after ${timeoutMs} ms (it started?):\n${output.slice(-2_000)}`),
      );
    }, timeoutMs);
    // 'close', not 'exit': the exit can be seen before the pipes have handed over the last output.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * The URL secrets of each app, with the development values docker-compose.yml and the k8s dev
 * overlay publish: a production start with them must be refused.
 */
const PUBLISHED_URLS: Record<AppName, Record<string, string>> = {
  'auth-service': {
    AUTH_DATABASE_URL: 'postgres://auth_service:auth-service-dev-password@127.0.0.1:5432/auth',
    REDIS_URL: 'redis://app:redis-app-dev-password@127.0.0.1:6379',
  },
  'order-service': {
    ORDER_DATABASE_URL: 'postgres://order_service:order-service-dev-password@127.0.0.1:5432/orders',
  },
  'api-gateway': { REDIS_URL: 'redis://app:redis-app-dev-password@127.0.0.1:6379' },
  'notification-service': {
    MONGO_URL:
      'mongodb://notification_service:notification-service-dev-password@127.0.0.1:27017/?authSource=admin',
  },
  'dlq-consumer': {
    MONGO_URL: 'mongodb://dlq_consumer:dlq-consumer-dev-password@127.0.0.1:27017/?authSource=admin',
  },
  // Its secrets are the gateway identity keys (service-identity.e2e.spec.ts) and ClickHouse's password.
  'analytics-ingest': {},
};

describe('exposure: where the apps listen (six built apps, real servers)', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('does not serve /metrics on any public port, gateway included: only on the internal metrics port', async () => {
    for (const app of APPS) {
      const running = system.apps[app];
      const publicScrape = await fetch(`${running.url}/metrics`);
      expect({ app, publicStatus: publicScrape.status }).toEqual({ app, publicStatus: 404 });
      expect(await publicScrape.text()).not.toContain('http_requests_total');

      const internal = await fetch(`${running.metricsUrl}/metrics`);
      expect({ app, metricsStatus: internal.status }).toEqual({ app, metricsStatus: 200 });
      expect(await internal.text()).toContain(`service="${app}"`);
    }
  });

  it('refuses connections from other hosts by default: every app and its metrics server listen on 127.0.0.1 only', () => {
    for (const app of APPS) {
      const publicPort = system.ports[app];
      const metricsPort = system.metricsPorts[app];
      expect({ app, publicPort: listeningAddresses(publicPort) }).toEqual({ app, publicPort: ['127.0.0.1'] });
      expect({ app, metricsPort: listeningAddresses(metricsPort) }).toEqual({
        app,
        metricsPort: ['127.0.0.1'],
      });
    }
  });
});

describe('exposure: what the apps refuse to start with outside development', () => {
  it('refuses to start under NODE_ENV=production without its secrets, naming each one', async () => {
    const results = await Promise.all(
      APPS.map(async (app) => ({ app, ...(await runBuiltApp(app, { NODE_ENV: 'production' })) })),
    );
    for (const { app, code, output } of results) {
      expect({ app, exitedWithError: code !== 0 && code !== null }).toEqual({ app, exitedWithError: true });
      expect(output).toMatch(/is required outside NODE_ENV=development\|test/);
      for (const variable of Object.keys(PUBLISHED_URLS[app]))
        expect({ app, output }).toEqual({
          app,
          output: expect.stringContaining(`${variable}: is required outside NODE_ENV=development|test`),
        });
    }
  });

  it('refuses to start under NODE_ENV=production with the passwords that compose and the dev overlay publish', async () => {
    const apps = APPS.filter((app) => Object.keys(PUBLISHED_URLS[app]).length > 0);
    const results = await Promise.all(
      apps.map(async (app) => ({
        app,
        ...(await runBuiltApp(app, { NODE_ENV: 'production', ...PUBLISHED_URLS[app] })),
      })),
    );
    for (const { app, code, output } of results) {
      expect({ app, exitedWithError: code !== 0 && code !== null }).toEqual({ app, exitedWithError: true });
      for (const variable of Object.keys(PUBLISHED_URLS[app])) {
        expect({ app, output }).toEqual({
          app,
          output: expect.stringContaining(`${variable}: is a value published in the repository`),
        });
      }
      // The refusal never echoes the password it refused.
      expect({ app, echoes: /dev-password/.test(output) }).toEqual({ app, echoes: false });
    }
  });

  it('refuses to start under NODE_ENV=production with a store URL that has no password', async () => {
    const { code, output } = await runBuiltApp('order-service', {
      NODE_ENV: 'production',
      ORDER_DATABASE_URL: 'postgres://order_service@127.0.0.1:5432/orders',
    });
    expect(code).not.toBe(0);
    expect(output).toContain('ORDER_DATABASE_URL: its password must be at least 16 characters');
  });
});
