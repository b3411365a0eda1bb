// The soak's verdict as pure functions of its samples: how much each app's heap, RSS and open file
// descriptors grew over the last part of the run, whether consumer lag stayed under its bound, and
// whether the books balanced. No I/O, so the rules can be read and tested on their own.

import { median } from '@platform/service-edge';

/** One app's resources at one moment. */
export interface AppSample {
  /**
   * V8 heap in use, from the app's /metrics (`nodejs_heap_size_used_bytes`): the lowest reading
   * of the interval (HeapFloor); null: the app never answered in it.
   */
  heapUsedBytes: number | null;
  /** Resident set size, from /proc/<pid>/status. */
  rssBytes: number;
  /** Entries of /proc/<pid>/fd. */
  openFds: number;
}

/** Everything sampled at one moment of the run. */
export interface SoakSample {
  /** Seconds since the load started. */
  atS: number;
  apps: Record<string, AppSample>;
  /** Records behind the end of the log, per consumer group (every topic and partition it reads). */
  lag: Record<string, number>;
  /** Answers the load has seen so far, retries included. */
  answers: number;
  /** Of those, answers that were not 2xx (0 for no answer), and answers 500-599. */
  notOk: number;
  serverErrors: number;
}

export type Metric = 'heapUsedBytes' | 'rssBytes' | 'openFds';
export const METRICS: readonly Metric[] = ['heapUsedBytes', 'rssBytes', 'openFds'];

export interface SoakBounds {
  /** The end of the run over which growth is judged: the start is warm-up (JIT, pools, caches). */
  windowS: number;
  /** Largest growth allowed, as a fraction (0.1 = 10%). */
  growthLimit: number;
  /** How many samples at each end of the window are reduced to one figure (EDGE_REDUCERS). */
  edgeSamples: number;
  /** Largest lag any group may show in any sample, in records. */
  lagBoundRecords: number;
}

/** What the end of the run found in the stores and the load's answers. */
export interface SoakBooks {
  /** Events or acknowledged orders found in no store (nor quarantined): lost. */
  lost: number;
  /** Events in effect more than once, or orders no acknowledged request made. */
  doubled: number;
  /** Whether the books balanced within their bounded wait; `detail` says what did not. */
  balanced: boolean;
  detail: string;
  /** Requests that never succeeded, retried with their key. */
  failedRequests: number;
  /** Answers 500-599, retried or not: a steady load should see none. */
  serverErrors: number;
}

/** A metric's two ends of the window and the growth between them. */
export interface Growth {
  first: number;
  last: number;
  /** (last - first) / first; 0 when both are 0, Infinity when only `first` is. */
  growth: number;
}

export interface Check {
  name: string;
  value: string;
  bound: string;
  ok: boolean;
}

export interface Verdict {
  passed: boolean;
  checks: Check[];
  /** Per app and metric, over the window. */
  growth: Record<string, Record<Metric, Growth | null>>;
  maxLag: { group: string; records: number; atS: number } | null;
}

/** The samples of the last `windowS` seconds of the run (all of them when the run is shorter). */
export function lastWindow(samples: readonly SoakSample[], windowS: number): SoakSample[] {
  const end = samples.at(-1)?.atS ?? 0;
  return samples.filter((s) => s.atS >= end - windowS);
}

/** How the samples at one end of the window become one figure. */
export type EdgeReducer = (values: readonly number[]) => number;

/**
 * How each metric's edges are reduced. The heap's lowest reading: each sample is already the
 * lowest of its interval, and the lowest of a few minutes is the one most likely taken just after
 * a full collection, i.e. what the app really holds (a median of heap readings moved by 20% between
 * two flat stretches of a first run). RSS and fds: the median, which one odd sample cannot move.
 */
export const EDGE_REDUCERS: Record<Metric, EdgeReducer> = {
  heapUsedBytes: (values) => Math.min(...values),
  rssBytes: median,
  openFds: median,
};

/**
 * Growth from the first `edge` values to the last `edge`, each end reduced by `reduce` (the
 * median unless told). With fewer than 2 × `edge` values the two ends take half each (they never
 * overlap); null for fewer than 2.
 */
export function growthOf(
  values: readonly number[],
  edge: number,
  reduce: EdgeReducer = median,
): Growth | null {
  if (values.length < 2) return null;
  const k = Math.max(1, Math.min(edge, Math.floor(values.length / 2)));
  const first = reduce(values.slice(0, k));
  const last = reduce(values.slice(-k));
  const growth = first === 0 ? (last === 0 ? 0 : Number.POSITIVE_INFINITY) : (last - first) / first;
  return { first, last, growth };
}

/** The largest lag of any group in any sample. */
export function maxLag(samples: readonly SoakSample[]): Verdict['maxLag'] {
  let max: Verdict['maxLag'] = null;
  for (const sample of samples)
    for (const [group, records] of Object.entries(sample.lag))
      if (!max || records > max.records) max = { group, records, atS: sample.atS };
  return max;
}

const percent = (g: number) =>
  Number.isFinite(g) ? `${g >= 0 ? '+' : ''}${(g * 100).toFixed(1)}%` : 'from 0';

/** Judges a run: every check must hold. */
export function judge(samples: readonly SoakSample[], bounds: SoakBounds, books: SoakBooks): Verdict {
  const window = lastWindow(samples, bounds.windowS);
  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.apps)))].sort();
  const checks: Check[] = [];
  const growth: Verdict['growth'] = {};
  const limit = `< +${(bounds.growthLimit * 100).toFixed(0)}%`;
  for (const app of apps) {
    growth[app] = { heapUsedBytes: null, rssBytes: null, openFds: null };
    for (const metric of METRICS) {
      const values = window.map((s) => s.apps[app]?.[metric]);
      // A sample the app did not answer is a finding, not a gap to skip.
      const missing = values.some((v) => v === null || v === undefined);
      const g = missing ? null : growthOf(values as number[], bounds.edgeSamples, EDGE_REDUCERS[metric]);
      growth[app][metric] = g;
      checks.push({
        name: `${app} ${metric}`,
        value: g ? percent(g.growth) : missing ? 'not sampled' : 'too few samples',
        bound: limit,
        ok: g !== null && g.growth < bounds.growthLimit,
      });
    }
  }
  const lag = maxLag(samples);
  checks.push({
    name: 'consumer lag, every group, every sample',
    value: lag ? `max ${lag.records} (${lag.group} at ${lag.atS} s)` : 'not sampled',
    bound: `<= ${bounds.lagBoundRecords} records`,
    ok: lag !== null && lag.records <= bounds.lagBoundRecords,
  });
  checks.push(
    {
      name: 'books balanced',
      value: books.balanced ? 'yes' : books.detail,
      bound: 'yes',
      ok: books.balanced,
    },
    { name: 'lost', value: String(books.lost), bound: '0', ok: books.lost === 0 },
    { name: 'doubled', value: String(books.doubled), bound: '0', ok: books.doubled === 0 },
    {
      name: 'failed requests',
      value: String(books.failedRequests),
      bound: '0',
      ok: books.failedRequests === 0,
    },
    { name: '5xx answers', value: String(books.serverErrors), bound: '0', ok: books.serverErrors === 0 },
  );
  return { passed: checks.every((c) => c.ok), checks, growth, maxLag: lag };
}
