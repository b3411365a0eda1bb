/** What every benchmark script needs around its measurements: arguments, ports, a child that must be ready. */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** `--name N` pairs as numbers; `usage` names the accepted flags in the error. */
export function parseArgs(argv: string[], usage: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!name || !Number.isFinite(value)) throw new Error(`usage: ${usage} (got ${argv.join(' ')})`);
    out[name] = value;
  }
  return out;
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits for `url`/health/ready of a child process, failing early when the child exits. */
export async function waitForReady(
  url: string,
  child: ChildProcess,
  name: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await delay(100);
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s`);
}

/** The machine line of every report. */
export const machine = (): string =>
  `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** Writes a benchmark's figures to `tmp/bench/<name>.json` (created if missing); the path, relative. */
export function writeReport(name: string, report: object): string {
  const root = join(__dirname, '../..');
  const file = join(root, 'tmp/bench', `${name}.json`);
  mkdirSync(join(root, 'tmp/bench'), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2));
  return relative(root, file);
}
