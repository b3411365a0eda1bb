import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { PINO_LOGGER } from './logger';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';

/** One dependency the app needs to serve traffic, e.g. `{ name: 'postgres', check: () => pool.query('select 1') }`. */
export interface ReadinessCheck {
  /** Unique per app; names the check in `/health/ready`. */
  name: string;
  /** Resolves when the dependency is usable; rejects when it is not. Its value is ignored. */
  check: () => Promise<unknown>;
  /** How long the check may take before it counts as failed. Default: the module's `readinessTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * Default bound of one readiness check. A probe must wait longer than this (Kubernetes'
 * `timeoutSeconds` defaults to 1: set it to 3), or a slow check looks like a dead process.
 */
export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

/** The outcome of one readiness check. */
export type ReadinessResult =
  | { name: string; ok: true; durationMs: number }
  | { name: string; ok: false; durationMs: number; error: string };

/** The name `/health/ready` reports once shutdown has begun; no registered check may take it. */
export const SHUTDOWN_CHECK = 'shutdown';

/** A check name that is already taken (two libs registering `postgres`, or one registering twice). */
export class DuplicateReadinessCheck extends Error {
  override readonly name = 'DuplicateReadinessCheck';
  readonly code = 'HEALTH.DUPLICATE_CHECK';

  constructor(readonly checkName: string) {
    super(`a readiness check named "${checkName}" is already registered`);
  }
}

/**
 * What `/health/ready` asks. Apps and libs register their dependencies here, typically in
 * `onModuleInit` (`this.readiness.register({ name: 'kafka', check: () => admin.describeCluster() })`).
 * Readiness turns false for good once shutdown begins, before anything is closed, so the load
 * balancer stops sending traffic while in-flight requests drain.
 */
@Injectable()
export class ReadinessRegistry implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;
  /** Names of the checks that failed last time, to log changes rather than every probe. */
  private failing = '';

  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** Adds a check; returns a function that removes it again. */
  register(check: ReadinessCheck): () => void {
    if (this.checks.has(check.name) || check.name === SHUTDOWN_CHECK)
      throw new DuplicateReadinessCheck(check.name);
    this.checks.set(check.name, check);
    return () => {
      if (this.checks.get(check.name) === check) this.checks.delete(check.name);
    };
  }

  /** Makes readiness false from now on. Called first on SIGTERM; idempotent. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Whether shutdown has begun. */
  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Runs every check concurrently, each bounded by its timeout. Never rejects. Logs when the set
   * of failing checks changes (one line per outage and one per recovery, not one per probe).
   */
  async run(): Promise<ReadinessResult[]> {
    const results = await Promise.all([...this.checks.values()].map((check) => this.runOne(check)));
    this.logChange(results);
    return results;
  }

  // Both hooks: an app closed by app.close() or Nest's own shutdown hooks, rather than by
  // bootstrapHttpApp's signal handler, still reports not-ready while it closes.
  onModuleDestroy(): void {
    this.markShuttingDown();
  }

  beforeApplicationShutdown(): void {
    this.markShuttingDown();
  }

  private logChange(results: ReadinessResult[]): void {
    const failed = results.flatMap((result) =>
      result.ok ? [] : [{ name: result.name, error: result.error, durationMs: result.durationMs }],
    );
    const failing = failed.map((result) => result.name).join(',');
    if (failing === this.failing) return;
    if (failing === '') this.logger.info({ recovered: this.failing.split(',') }, 'ready again');
    else this.logger.warn({ failed }, `not ready: ${failing}`);
    this.failing = failing;
  }

  private async runOne(check: ReadinessCheck): Promise<ReadinessResult> {
    const started = performance.now();
    const timeoutMs = check.timeoutMs ?? this.options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
    const elapsed = () => Math.round(performance.now() - started);
    try {
      await withTimeout(check.check(), timeoutMs);
      return { name: check.name, ok: true, durationMs: elapsed() };
    } catch (error) {
      return { name: check.name, ok: false, durationMs: elapsed(), error: describe(error) };
    }
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
