import { percentile } from '@platform/service-edge';

// Per-second samples of a load run: latencies by second, errors, and consumer lag.

export interface SecondSample {
  /** Seconds since the start. */
  second: number;
  targetRate: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Records behind, all consumer groups together (max per partition); null when unknown. */
  lag: number | null;
}

/** Collects request latencies and turns them into one sample per second. */
export class Timeline {
  readonly seconds: SecondSample[] = [];
  private latencies: number[] = [];
  private errors = 0;

  record(latencyMs: number, ok: boolean): void {
    this.latencies.push(latencyMs);
    if (!ok) this.errors += 1;
  }

  /** Closes the current second. */
  tick(second: number, targetRate: number, lag: number | null): SecondSample {
    const sample: SecondSample = {
      second,
      targetRate,
      requests: this.latencies.length,
      errors: this.errors,
      p50Ms: this.latencies.length ? percentile(this.latencies, 50) : 0,
      p99Ms: this.latencies.length ? percentile(this.latencies, 99) : 0,
      lag,
    };
    this.seconds.push(sample);
    this.latencies = [];
    this.errors = 0;
    return sample;
  }
}

/**
 * Sum over partitions of the largest lag any app reports for it, from Prometheus text exposition
 * (`messaging_consumer_lag{topic,partition,group}`); a partition moved in a rebalance counts once.
 */
export function lagFromExpositions(texts: readonly string[]): number | null {
  const byPartition = new Map<string, number>();
  let seen = false;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('messaging_consumer_lag{')) continue;
      const close = line.lastIndexOf('}');
      const labels = line.slice('messaging_consumer_lag{'.length, close);
      const value = Number(line.slice(close + 1).trim());
      if (!Number.isFinite(value)) continue;
      seen = true;
      const key = ['topic', 'partition', 'group']
        .map((name) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? '')
        .join('/');
      byPartition.set(key, Math.max(byPartition.get(key) ?? 0, value));
    }
  }
  return seen ? [...byPartition.values()].reduce((a, b) => a + b, 0) : null;
}

/**
 * An SVG chart of the run: latency p50 and p99 (ms, left axis) and consumer lag (records, right
 * axis) over time. Self-contained, no fonts or scripts from elsewhere.
 */
export function plotSvg(samples: readonly SecondSample[], title: string): string {
  const width = 900;
  const height = 360;
  const pad = { left: 60, right: 70, top: 40, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const maxT = Math.max(1, ...samples.map((s) => s.second));
  const maxMs = Math.max(1, ...samples.map((s) => s.p99Ms));
  const maxLag = Math.max(1, ...samples.map((s) => s.lag ?? 0));
  const x = (t: number) => pad.left + (t / maxT) * plotW;
  const yMs = (v: number) => pad.top + plotH - (v / maxMs) * plotH;
  const yLag = (v: number) => pad.top + plotH - (v / maxLag) * plotH;
  const line = (points: [number, number][], color: string, dash = '') =>
    points.length === 0
      ? ''
      : `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points
          .map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`)
          .join(' ')}"/>`;
  const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left}" y="20" font-size="14">${escape(title)}</text>`,
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    ...ticks.map(
      (f) =>
        `<text x="${pad.left - 6}" y="${(yMs(f * maxMs) + 4).toFixed(1)}" text-anchor="end">${Math.round(f * maxMs)}</text>` +
        `<text x="${width - pad.right + 6}" y="${(yLag(f * maxLag) + 4).toFixed(1)}">${Math.round(f * maxLag)}</text>` +
        `<text x="${x(f * maxT).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${Math.round(f * maxT)} s</text>`,
    ),
    `<text x="14" y="${pad.top - 8}">ms</text><text x="${width - pad.right + 6}" y="${pad.top - 8}">lag</text>`,
    line(
      samples.map((s) => [x(s.second), yMs(s.p50Ms)]),
      '#1f77b4',
    ),
    line(
      samples.map((s) => [x(s.second), yMs(s.p99Ms)]),
      '#d62728',
    ),
    line(
      samples.filter((s) => s.lag !== null).map((s) => [x(s.second), yLag(s.lag as number)]),
      '#2ca02c',
      '4 3',
    ),
    `<text x="${pad.left + 10}" y="${pad.top + 14}" fill="#1f77b4">p50 latency</text>`,
    `<text x="${pad.left + 100}" y="${pad.top + 14}" fill="#d62728">p99 latency</text>`,
    `<text x="${pad.left + 190}" y="${pad.top + 14}" fill="#2ca02c">consumer lag (right axis)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * CPU use of the process groups over one interval of about a minute (the last one of a run may be
 * shorter): CPU seconds and RSS at its end. `minute` is when it ended, in minutes since the start.
 */
export interface MinuteUsage {
  minute: number;
  seconds: number;
  usage: readonly { group: string; cpuSeconds: number; rssBytes: number }[];
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/**
 * An SVG chart of CPU cores used per process group (apps and servers), one point per minute, the
 * groups that used most first in the legend. Drawn beside the latency plot of the same run.
 */
export function usagePlotSvg(minutes: readonly MinuteUsage[], title: string): string {
  const width = 900;
  const height = 360;
  const pad = { left: 60, right: 220, top: 40, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const totals = new Map<string, number>();
  for (const m of minutes)
    for (const u of m.usage) totals.set(u.group, (totals.get(u.group) ?? 0) + u.cpuSeconds);
  const groups = [...totals].sort((a, b) => b[1] - a[1]).map(([group]) => group);
  const cores = (m: MinuteUsage, group: string) =>
    (m.usage.find((u) => u.group === group)?.cpuSeconds ?? 0) / Math.max(1, m.seconds);
  const maxCores = Math.max(0.1, ...minutes.flatMap((m) => groups.map((g) => cores(m, g))));
  const maxMinute = Math.max(1, ...minutes.map((m) => m.minute));
  const x = (minute: number) => pad.left + (minute / maxMinute) * plotW;
  const y = (value: number) => pad.top + plotH - (value / maxCores) * plotH;
  const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left}" y="20" font-size="14">${escape(title)}</text>`,
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    ...[0, 0.25, 0.5, 0.75, 1].map(
      (f) =>
        `<text x="${pad.left - 6}" y="${(y(f * maxCores) + 4).toFixed(1)}" text-anchor="end">${(f * maxCores).toFixed(2)}</text>` +
        `<text x="${x(f * maxMinute).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${Math.round(f * maxMinute)} min</text>`,
    ),
    `<text x="14" y="${pad.top - 8}">cores</text>`,
    ...groups.map((group, i) => {
      const color = PALETTE[i % PALETTE.length] as string;
      const points = minutes
        .map((m) => `${x(m.minute).toFixed(1)},${y(cores(m, group)).toFixed(1)}`)
        .join(' ');
      const dash = i >= PALETTE.length ? ' stroke-dasharray="4 3"' : '';
      return (
        `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${points}"/>` +
        `<text x="${width - pad.right + 10}" y="${pad.top + 12 + i * 14}" fill="${color}">${escape(group)}</text>`
      );
    }),
    '</svg>',
    '',
  ].join('\n');
}
