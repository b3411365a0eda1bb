// One running system of the fault suite with its customers and its books: `underLoad` runs a fault
// between two stretches of steady load, then waits until the books balance (accounting.ts) and the
// read model agrees. Each spec file of the suite that starts a system of its own keeps one.
import { eventually } from '@platform/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  account,
  balanced,
  describe as describeAccount,
  type Accounting,
  type SourceEvent,
} from './accounting';
import { SteadyLoad, type LoadSummary, type StoryOutcome } from './steady-load.spec-helper';
import { acceptedEvents, orderRecords, readEffects } from './stores.spec-helper';
import { startSystem, type RunningSystem, type User } from '../whole-system.spec-helper';

/** Stories per second of the steady load. */
export const RATE = Number(process.env['FAULTS_RATE'] ?? 8);
/** Steady load before and after each fault. */
export const STEADY_MS = 8_000;
/** How long a scenario's books may take to balance after its load stopped. */
const SETTLE_TIMEOUT_MS = 180_000;
const REPORT_FILE = join(__dirname, '../../../tmp/faults/report.json');

export interface ScenarioReport {
  scenario: string;
  load: LoadSummary;
  accounting: string;
  extra?: Record<string, unknown>;
}

export class FaultRun {
  /** Every story of every scenario so far: the books cover them all. */
  readonly stories: StoryOutcome[] = [];
  /** Events a scenario wrote to a topic itself (no service published them). */
  readonly injected: SourceEvent[] = [];
  /** Keys of undecodable records a scenario wrote. */
  readonly undecodableKeys: string[] = [];
  readonly reports: ScenarioReport[] = [];

  private constructor(
    readonly system: RunningSystem,
    readonly customers: User[],
  ) {}

  /**
   * Starts the six apps (`env` goes to every app, `rewriteEnv` as startSystem takes it) and
   * registers four customers who are also staff.
   */
  static async start(
    env: Record<string, string> = {},
    rewriteEnv: Parameters<typeof startSystem>[1] = {},
  ): Promise<FaultRun> {
    const system = await startSystem(
      // Four customers at 8 stories/s would pass the per-user limit: this measures faults, not limits.
      { GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=100000/60', ...env },
      rewriteEnv,
    );
    const customers: User[] = [];
    // Each also works in the shop (staff), so a story confirms its own order: one actor per story.
    for (let i = 0; i < 4; i++) customers.push(await system.register({ roles: ['customer', 'staff'] }));
    return new FaultRun(system, customers);
  }

  /** Runs `fault` between two stretches of steady load, then settles and balances the books. */
  async underLoad(
    scenario: string,
    fault: () => Promise<Record<string, unknown> | void>,
  ): Promise<{ load: LoadSummary; accounting: Accounting; report: ScenarioReport }> {
    const load = new SteadyLoad(this.system.call, this.customers, { ratePerSecond: RATE });
    load.start();
    let extra: Record<string, unknown> | undefined;
    try {
      await delay(STEADY_MS);
      extra = (await fault()) ?? undefined;
      await delay(STEADY_MS);
    } finally {
      // Even when the fault step fails: its orders belong to the books of the next scenario.
      await load.stop();
      this.stories.push(...load.outcomes());
    }
    const summary = load.summary();
    const accounting = await this.settle();
    const report: ScenarioReport = {
      scenario,
      load: summary,
      accounting: describeAccount(accounting),
      extra,
    };
    this.reports.push(report);
    printLine(
      `${scenario}\n${JSON.stringify(summary)}\n${report.accounting}${extra ? `\n${JSON.stringify(extra)}` : ''}`,
    );
    expect(summary.stories).toBeGreaterThan(0);
    expect(summary.failedRequests).toBe(0);
    expect(summary.statuses['500'] ?? 0).toBe(0);
    return { load: summary, accounting, report };
  }

  /** Waits (bounded) until the books balance and the read model agrees; fails with the account. */
  async settle(): Promise<Accounting> {
    try {
      return await eventually(
        async () => {
          const accepted = await acceptedEvents(this.system.stores);
          const last = account({
            accepted,
            injected: this.injected,
            undecodableKeys: this.undecodableKeys,
            groups: this.system.groups,
            effects: await readEffects(this.system.stores),
          });
          if (!balanced(last)) throw new Error(describeAccount(last));
          await this.readModelAgrees();
          return last;
        },
        { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 2_000 },
      );
    } catch (error) {
      throw new Error(`the books did not balance: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Adds this run's reports to tmp/faults/report.json (other spec files of the run add theirs). */
  saveReports(): void {
    const earlier = existsSync(REPORT_FILE)
      ? (JSON.parse(readFileSync(REPORT_FILE, 'utf8')) as ScenarioReport[])
      : [];
    writeFileSync(REPORT_FILE, `${JSON.stringify([...earlier, ...this.reports], null, 2)}\n`);
  }

  /** Every acknowledged order is in the event store once, and its read-model row is up to date. */
  private async readModelAgrees(): Promise<void> {
    const records = new Map((await orderRecords(this.system.stores)).map((r) => [r.orderId, r]));
    const acknowledged = new Set(this.stories.filter((s) => s.orderId).map((s) => s.orderId as string));
    const lost = [...acknowledged].filter((id) => !records.has(id));
    const stale = [...records.values()].filter((r) => r.summaryVersion !== r.eventsVersion);
    const unasked = [...records.keys()].filter((id) => !acknowledged.has(id));
    if (lost.length || stale.length || unasked.length)
      throw new Error(
        `read model: ${lost.length} acknowledged orders lost, ${stale.length} stale rows, ` +
          `${unasked.length} orders no acknowledged request made (a retry that placed twice)`,
      );
  }
}

/** One figure line in the run's output (the suite's results are read from it and report.json). */
export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
