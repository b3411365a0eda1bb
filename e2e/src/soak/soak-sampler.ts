// What the soak samples each interval: per app, its heap (only the process itself knows it: its
// /metrics), its resident memory and open file descriptors (from /proc, outside the process, so a
// stuck metrics endpoint cannot hide them), and per consumer group how far behind the log it is.
import type { Admin } from 'kafkajs';
import { readdir, readFile } from 'node:fs/promises';
import type { RunningApp } from '../system.spec-helper';
import type { AppSample } from './soak-verdict';

/** Bounds one scrape of an app's /metrics: a soak on a busy machine must not hang on one app. */
const METRICS_TIMEOUT_MS = 5_000;

/** One app's heap, RSS and open file descriptors now. */
export async function sampleApp(app: Pick<RunningApp, 'pid' | 'metricsUrl'>): Promise<AppSample> {
  const [status, fds, heapUsedBytes] = await Promise.all([
    readFile(`/proc/${app.pid}/status`, 'utf8'),
    readdir(`/proc/${app.pid}/fd`),
    heapUsed(app.metricsUrl),
  ]);
  const rssKb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!rssKb) throw new Error(`no VmRSS in /proc/${app.pid}/status`);
  return { heapUsedBytes, rssBytes: Number(rssKb) * 1_024, openFds: fds.length };
}

/**
 * The lowest heap each app reported between two samples. One reading of the heap lands anywhere
 * in the collector's sawtooth (50 to 140 MB within a minute here); its low points, just after a
 * collection, are what the app really holds, and what a leak makes climb.
 */
export class HeapFloor {
  private readonly lowest = new Map<string, number>();

  constructor(private readonly apps: () => Record<string, Pick<RunningApp, 'metricsUrl'>>) {}

  /** Reads every app's heap once. */
  async probe(): Promise<void> {
    await Promise.all(
      Object.entries(this.apps()).map(async ([name, app]) => {
        const heap = await heapUsed(app.metricsUrl);
        if (heap !== null) this.lowest.set(name, Math.min(heap, this.lowest.get(name) ?? heap));
      }),
    );
  }

  /** The lowest heap of `app` since the last take, `now` included; null when it never answered. */
  take(app: string, now: number | null): number | null {
    const lowest = this.lowest.get(app);
    this.lowest.delete(app);
    if (lowest === undefined) return now;
    return now === null ? lowest : Math.min(lowest, now);
  }
}

/** `nodejs_heap_size_used_bytes` of prom-client's default metrics; null when the app did not answer. */
async function heapUsed(metricsUrl: string): Promise<number | null> {
  try {
    const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) });
    const value = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(await res.text())?.[1];
    return value === undefined ? null : Number(value);
  } catch {
    return null;
  }
}

/**
 * Records between what `groupId` committed and the end of the log, over every topic and partition
 * it has committed on (its live topics, their retry topics). A partition the group never committed
 * on is not counted: where it started is unknown to anyone but the group.
 */
export async function groupLag(admin: Admin, groupId: string): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId });
  let lag = 0;
  for (const { topic, partitions } of committed) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    for (const { partition, offset } of partitions) {
      const at = Number(offset);
      if (at >= 0) lag += Math.max(0, (ends.get(partition) ?? at) - at);
    }
  }
  return lag;
}
