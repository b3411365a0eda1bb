// A real Prometheus (Debian's package, installed by `npm run infra:up`) scraping a running system
// every second and evaluating the repository's rules, for tests of dashboards and rules.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@platform/testing';
import { freePort } from './system.spec-helper';

const root = join(__dirname, '../..');
export const RULES_DIR = join(root, 'tools/observability/prometheus/rules');
export const DASHBOARDS_DIR = join(root, 'tools/observability/grafana/dashboards');

export interface RunningPrometheus {
  url: string;
  /** Runs an instant query; throws with Prometheus's error when it does not parse. */
  query: (promql: string) => Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop: () => Promise<void>;
}

export async function startPrometheus(targets: string[]): Promise<RunningPrometheus> {
  if (spawnSync('prometheus', ['--version']).status !== 0) {
    throw new Error('prometheus is not installed: npm run infra:up installs it (Debian package prometheus)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${RULES_DIR}/*.yml']`,
      'scrape_configs:',
      '  - job_name: platform-apps',
      `    static_configs: [{ targets: [${targets.map((t) => `'${t}'`).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
      const res = await fetch(`${url}/-/ready`);
      if (!res.ok) throw new Error(`prometheus not ready: ${res.status}`);
    },
    { timeoutMs: 30_000 },
  );
  return {
    url,
    query: async (promql) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`${promql}\n  -> ${body.error ?? res.status}`);
      return body.data?.result ?? [];
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
