/**
 * `npm run fuzz:http`: schemathesis against every operation of the gateway's OpenAPI document,
 * on the six built apps as real processes (the servers must be up: npm run infra:up). A customer
 * token for the customers' routes, an admin token for the admin routes, and the logout route last
 * with a token of its own (logging out revokes the token that calls it). Prints the requests per
 * operation and their status classes; exits non-zero on any 5xx or failed check. Loopback only,
 * bounded in examples per operation and in time.
 *
 *   npm run fuzz:http -- --examples 50 --seed 7
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { allTopics } from '@platform/contracts';
import { infraEnv } from '@platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { badMessagesFor } from './bad-messages.spec-helper';
import { startSystem, type RunningSystem, type User } from './whole-system.spec-helper';

/** Pinned: a newer schemathesis generates other inputs, so counts would stop being comparable. */
const SCHEMATHESIS_VERSION = '4.32.5';
const root = join(__dirname, '../..');
const venv = join(root, '.infra/fuzz/venv');
const schemathesis = join(venv, 'bin/schemathesis');

const { values: args } = parseArgs({
  options: {
    examples: { type: 'string', default: '30' },
    seed: { type: 'string', default: '20261201' },
    'max-minutes': { type: 'string', default: '15' },
    out: { type: 'string', default: 'tmp/fuzz-http' },
  },
});
const examples = Number(args.examples);
const maxMs = Number(args['max-minutes']) * 60_000;
if (!Number.isInteger(examples) || examples < 1 || examples > 1_000)
  throw new Error('--examples must be in [1, 1000]');
if (!Number.isFinite(maxMs) || maxMs <= 0 || maxMs > 60 * 60_000)
  throw new Error('--max-minutes must be in (0, 60]');
const outDir = join(root, args.out);

/** Who calls which operations: roles are the gateway's (its document says `with role admin`). */
const ADMIN_PATHS = '^/(admin|analytics)(/|$)';
const LOGOUT_PATH = '^/auth/logout$';
/** Staff's order commands: a customer only ever gets 403 there, so staff fuzz them too. */
const STAFF_PATHS = '^/orders/[^/]+/(confirm|pay|ship)$';

interface Pass {
  name: string;
  token: string;
  filters: string[];
}

/** One request schemathesis made, as its VCR cassette records it. */
interface Interaction {
  operation: string;
  status: number;
}

function ensureSchemathesis(): void {
  const installed = existsSync(schemathesis)
    ? spawnSync(schemathesis, ['--version'], { encoding: 'utf8' }).stdout
    : '';
  if (installed.includes(SCHEMATHESIS_VERSION)) return;
  console.log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}`);
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin/pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ];
  for (const [command, commandArgs] of steps) {
    const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
    if (result.status !== 0)
      throw new Error(`${command} ${commandArgs.join(' ')} failed (needs python3 with venv and pip)`);
  }
}

/**
 * Gives the admin routes something to find: the run's dlq-consumer starts at the end of the DLQ
 * topics (only this run's dead letters), so without this every `/admin/dlq/messages/{id}` would be
 * a 404. Writes the bad-message suite's records to every live topic, lets the apps dead-letter
 * them as they would any poison, and waits (bounded) until the quarantine lists them.
 */
async function seedQuarantine(system: RunningSystem, admin: User): Promise<number> {
  // Resolves with how many entries the first page lists (100 at most).
  const kafka = new Kafka({
    clientId: 'fuzz-http-seed',
    brokers: infraEnv.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  let written = 0;
  try {
    for (const topic of allTopics()) {
      const messages = badMessagesFor(topic.name, 1_048_588);
      // One record per request: one of them is just under the broker's limit on its own.
      for (const { key, value, headers } of messages) {
        await producer.send({
          topic: topic.name,
          acks: -1,
          messages: [{ partition: 0, key, value, headers }],
        });
      }
      written += messages.length;
    }
  } finally {
    await producer.disconnect();
  }
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await delay(1_000)) {
    const res = await system.call('/admin/dlq/messages?limit=100', { token: admin.token });
    const page = res.ok ? ((await res.json()) as { items: unknown[] }) : { items: [] };
    if (page.items.length >= 20) return page.items.length;
  }
  throw new Error(`the quarantine listed fewer than 20 of the ${written} seeded bad records within 120 s`);
}

/** Runs one schemathesis pass; resolves with its exit code (killed at the deadline). */
function runPass(pass: Pass, schemaUrl: string, baseUrl: string, deadline: number): Promise<number> {
  const cassette = join(outDir, `${pass.name}.cassette.yaml`);
  const commandArgs = [
    'run',
    schemaUrl,
    '--url',
    baseUrl,
    '--header',
    `Authorization: Bearer ${pass.token}`,
    '--checks',
    'not_a_server_error,response_schema_conformance',
    '--max-examples',
    String(examples),
    '--seed',
    args.seed,
    '--workers',
    '2',
    '--request-timeout',
    '20',
    // No example database: the seed alone makes a run repeatable.
    '--generation-database',
    'none',
    '--no-color',
    '--report',
    'vcr,junit',
    '--report-dir',
    outDir,
    '--report-vcr-path',
    cassette,
    '--report-junit-path',
    join(outDir, `${pass.name}.junit.xml`),
    ...pass.filters,
  ];
  return new Promise((resolve) => {
    // Run in the output folder: schemathesis keeps a cache of failures in .schemathesis/ there.
    const child = spawn(schemathesis, commandArgs, { cwd: outDir, stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGTERM'), Math.max(1_000, deadline - Date.now()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? 124 : (code ?? 1));
    });
  });
}

/** Each request of a cassette, matched to the document's operation (method + path template). */
async function readCassette(file: string, templates: string[]): Promise<Interaction[]> {
  if (!existsSync(file)) return [];
  const { parse } = await import('yaml');
  const cassette = parse(await readFile(file, 'utf8')) as {
    http_interactions?: {
      request: { method: string; uri: string };
      response?: { status?: { code?: number } };
    }[];
  };
  const matchers = templates.map((template) => {
    const [method, path] = template.split(' ') as [string, string];
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
    return { template, method, regex: new RegExp(`^${pattern}$`) };
  });
  return (cassette.http_interactions ?? []).map(({ request, response }) => {
    const path = new URL(request.uri).pathname;
    const found =
      matchers.find((m) => m.method === request.method && m.regex.test(path)) ??
      matchers.find((m) => m.regex.test(path));
    return { operation: found?.template ?? `${request.method} ${path}`, status: response?.status?.code ?? 0 };
  });
}

function report(interactions: Interaction[], templates: string[]): { total: number; serverErrors: number } {
  const rows = new Map<
    string,
    { total: number; '2xx': number; '4xx': number; '5xx': number; other: number }
  >();
  for (const template of templates) rows.set(template, { total: 0, '2xx': 0, '4xx': 0, '5xx': 0, other: 0 });
  for (const { operation, status } of interactions) {
    const row = rows.get(operation) ?? { total: 0, '2xx': 0, '4xx': 0, '5xx': 0, other: 0 };
    rows.set(operation, row);
    row.total += 1;
    const bucket =
      status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 200 && status < 300 ? '2xx' : 'other';
    row[bucket] += 1;
  }
  const width = Math.max(...[...rows.keys()].map((k) => k.length));
  console.log(`\n${'operation'.padEnd(width)}  requests    2xx    4xx    5xx  other`);
  for (const [operation, row] of rows) {
    const cells = [row.total, row['2xx'], row['4xx'], row['5xx'], row.other].map((n, i) =>
      String(n).padStart(i === 0 ? 8 : 6),
    );
    console.log(`${operation.padEnd(width)}  ${cells.join(' ')}`);
  }
  const total = interactions.length;
  const serverErrors = interactions.filter((i) => i.status >= 500).length;
  const untried = [...rows].filter(([, row]) => row.total === 0).map(([op]) => op);
  console.log(
    `\ntotal: ${total} requests over ${rows.size} operations, ${serverErrors} 5xx` +
      (untried.length ? `; never called: ${untried.join(', ')}` : ''),
  );
  return { total, serverErrors };
}

/** Each app's log beside the reports, and the errors the apps logged for the failed requests. */
async function keepLogs(system: RunningSystem): Promise<void> {
  const errors = new Map<string, number>();
  for (const app of Object.values(system.apps)) {
    const log = app.log();
    await writeFile(join(outDir, `${app.name}.log`), log);
    for (const line of log.split('\n')) {
      if (!line.includes('"msg":"request failed"')) continue;
      const [, type, message] = /"err":\{"type":"([^"]*)","message":"([^"]{0,160})/.exec(line) ?? [];
      const error = `${app.name}: ${type}: ${message}`;
      errors.set(error, (errors.get(error) ?? 0) + 1);
    }
  }
  for (const [error, count] of errors) console.log(`${String(count).padStart(5)} x ${error}`);
  console.log(`app logs in ${outDir}`);
}

async function main(): Promise<number> {
  const deadline = Date.now() + maxMs;
  ensureSchemathesis();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // The rate limits would answer most of the fuzzer's requests with 429 before any app saw them.
  const system: RunningSystem = await startSystem({
    GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=1000000/60',
  });
  try {
    const gateway = new URL(system.gateway.url);
    if (gateway.hostname !== '127.0.0.1')
      throw new Error(`fuzzing goes to loopback only, not ${gateway.host}`);
    const schemaUrl = `${system.gateway.url}/openapi.json`;
    const document = (await (await fetch(schemaUrl)).json()) as { paths: Record<string, object> };
    const templates = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const [customer, admin, leaving, staff] = await Promise.all([
      system.register(),
      system.register({ roles: ['customer', 'admin'] }),
      system.register(),
      system.register({ roles: ['staff'] }),
    ]);
    const listed = await seedQuarantine(system, admin);
    console.log(`seeded the quarantine: ${listed}+ entries listed before the admin pass`);
    const passes: Pass[] = [
      {
        name: 'customer',
        token: customer.token,
        // One regex: schemathesis keeps only the last of repeated --exclude-path-regex options.
        filters: ['--exclude-path-regex', `${ADMIN_PATHS}|${LOGOUT_PATH}`],
      },
      { name: 'admin', token: admin.token, filters: ['--include-path-regex', ADMIN_PATHS] },
      { name: 'staff', token: staff.token, filters: ['--include-path-regex', STAFF_PATHS] },
      { name: 'logout', token: leaving.token, filters: ['--include-path-regex', LOGOUT_PATH] },
    ];
    const codes: Record<string, number> = {};
    const interactions: Interaction[] = [];
    for (const pass of passes) {
      console.log(`\n== ${pass.name} pass (${examples} examples per operation, seed ${args.seed})`);
      codes[pass.name] = await runPass(pass, schemaUrl, system.gateway.url, deadline);
      interactions.push(...(await readCassette(join(outDir, `${pass.name}.cassette.yaml`), templates)));
    }
    const { serverErrors } = report(interactions, templates);
    const health = await Promise.all(
      Object.values(system.apps).map(async (app) => ({
        app: app.name,
        status: (await fetch(`${app.url}/health/ready`).catch(() => undefined))?.status ?? 0,
      })),
    );
    const unhealthy = health.filter((h) => h.status !== 200);
    console.log(
      `schemathesis exit codes: ${JSON.stringify(codes)}; apps ready after the run: ` +
        (unhealthy.length ? `NO (${JSON.stringify(unhealthy)})` : 'all six'),
    );
    const failed =
      serverErrors > 0 || unhealthy.length > 0 || Object.values(codes).some((code) => code !== 0);
    if (failed) await keepLogs(system);
    console.log(failed ? 'fuzz:http FAILED' : 'fuzz:http passed');
    return failed ? 1 : 0;
  } finally {
    const exitCodes = await system.stop();
    if (exitCodes.some((code) => code !== 0)) console.log(`apps exited with ${JSON.stringify(exitCodes)}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
