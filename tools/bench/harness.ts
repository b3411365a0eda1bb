/**
 * What every benchmark script needs around its measurements: arguments, ports, a child that must
 * be ready, and a teardown that removes what the run created however it ends.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BenchNames } from './bench-names';

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

/**
 * What a run created, undone in reverse order when it ends: the last thing added (an app) is
 * stopped before the first (the broker it used). A step that fails is reported and the others
 * still run; every step runs once.
 */
export class Teardown {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];
  private done: Promise<string[]> | undefined;

  /** Registers `undo`, described by `what` (e.g. "drop database bench_orders_x"). */
  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  /** Runs every step registered so far; resolves with what could not be undone, and why. */
  run(): Promise<string[]> {
    this.done ??= this.undoAll();
    return this.done;
  }

  private async undoAll(): Promise<string[]> {
    const failed: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        failed.push(`${step.what}: ${(error as Error).message}`);
      }
    }
    return failed;
  }
}

/** What a benchmark's body gets: the names of its run and the teardown to register its undo steps on. */
export interface BenchRun {
  names: BenchNames;
  teardown: Teardown;
}

/**
 * Runs a benchmark's body, then its teardown, whether the body resolved, threw, or the process got
 * SIGINT or SIGTERM (a second signal leaves at once); exits with 0, 1 (an error, or something left
 * behind), or 128 + the signal's number.
 */
export function runBench(bench: string, body: (run: BenchRun) => Promise<void>): void {
  const run: BenchRun = { names: new BenchNames(bench), teardown: new Teardown() };
  let exiting: Promise<never> | undefined;
  const finish = (code: number): Promise<never> => {
    exiting ??= run.teardown.run().then((leftovers) => {
      for (const leftover of leftovers) console.error(`not removed: ${leftover}`);
      process.exit(code === 0 && leftovers.length > 0 ? 1 : code);
    });
    return exiting;
  };
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    const code = 128 + constants.signals[signal];
    if (exiting) process.exit(code);
    console.error(`${signal}: removing what this run created (${signal} again leaves at once)`);
    void finish(code);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  console.log(`run ${run.names.run}: what it makes on the servers is named bench*${run.names.id}*`);
  body(run).then(
    () => finish(0),
    (error: unknown) => {
      // After a signal the body fails on what the teardown took away: not worth a report.
      if (!exiting) console.error(error);
      return finish(1);
    },
  );
}
