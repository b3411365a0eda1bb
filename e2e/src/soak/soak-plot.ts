// The soak's samples as one SVG: four panels over time (heap, RSS and open file descriptors per
// app, lag per consumer group), the judged window shaded. Hand-written SVG, no dependencies.
import type { SoakSample } from './soak-verdict';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

interface Panel {
  title: string;
  unit: string;
  series: { name: string; points: [number, number][] }[];
}

const MB = 1024 * 1024;

function panels(samples: readonly SoakSample[]): Panel[] {
  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.apps)))].sort();
  const groups = [...new Set(samples.flatMap((s) => Object.keys(s.lag)))].sort();
  const perApp = (pick: (s: SoakSample, app: string) => number | null | undefined) =>
    apps.map((app) => ({
      name: app,
      points: samples.flatMap((s): [number, number][] => {
        const value = pick(s, app);
        return value === null || value === undefined ? [] : [[s.atS / 60, value]];
      }),
    }));
  return [
    {
      title: 'heap used',
      unit: 'MB',
      series: perApp((s, app) => {
        const heap = s.apps[app]?.heapUsedBytes;
        return heap === null || heap === undefined ? null : heap / MB;
      }),
    },
    {
      title: 'resident set (RSS)',
      unit: 'MB',
      series: perApp((s, app) => (s.apps[app]?.rssBytes ?? 0) / MB),
    },
    { title: 'open file descriptors', unit: 'fds', series: perApp((s, app) => s.apps[app]?.openFds) },
    {
      title: 'consumer lag',
      unit: 'records',
      series: groups.map((group) => ({
        name: group,
        points: samples.map((s): [number, number] => [s.atS / 60, s.lag[group] ?? 0]),
      })),
    },
  ];
}

/** The SVG of a run; `windowS` is the judged end of it (shaded), `title` its first line. */
export function plotSoak(samples: readonly SoakSample[], windowS: number, title: string): string {
  const width = 960;
  const panelH = 190;
  const pad = { left: 60, right: 250, top: 50, gap: 44, bottom: 30 };
  const plotW = width - pad.left - pad.right;
  const plotH = panelH - 30;
  const all = panels(samples);
  const height = pad.top + all.length * (panelH + pad.gap) + pad.bottom;
  const endMin = Math.max(1e-9, (samples.at(-1)?.atS ?? 0) / 60);
  const windowStartMin = Math.max(0, endMin - windowS / 60);
  const x = (minute: number) => pad.left + (minute / endMin) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left}" y="20" font-size="14">${escape(title)}</text>`,
    `<text x="${pad.left}" y="36" fill="#555">x: minutes since the load started; shaded: the window whose growth is judged</text>`,
  ];
  all.forEach((panel, i) => {
    const top = pad.top + i * (panelH + pad.gap) + 20;
    const max = Math.max(1, ...panel.series.flatMap((s) => s.points.map(([, v]) => v))) * 1.05;
    const y = (v: number) => top + plotH - (v / max) * plotH;
    out.push(
      `<text x="${pad.left}" y="${top - 8}" font-size="12">${escape(`${panel.title} (${panel.unit})`)}</text>`,
      `<rect x="${x(windowStartMin).toFixed(1)}" y="${top}" width="${(x(endMin) - x(windowStartMin)).toFixed(1)}" height="${plotH}" fill="#f2f2f2"/>`,
      `<rect x="${pad.left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    );
    for (const f of [0, 0.5, 1]) {
      out.push(
        `<text x="${pad.left - 6}" y="${(y(f * max) + 4).toFixed(1)}" text-anchor="end">${formatTick(f * max)}</text>`,
        `<text x="${x(f * endMin).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle">${formatTick(f * endMin)}</text>`,
      );
    }
    panel.series.forEach((series, n) => {
      const color = COLORS[n % COLORS.length] as string;
      if (series.points.length > 0)
        out.push(
          `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${series.points
            .map(([m, v]) => `${x(m).toFixed(1)},${y(v).toFixed(1)}`)
            .join(' ')}"/>`,
        );
      const legendY = top + 12 + n * 15;
      out.push(
        `<line x1="${width - pad.right + 12}" y1="${legendY - 4}" x2="${width - pad.right + 30}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"/>`,
        `<text x="${width - pad.right + 36}" y="${legendY}">${escape(series.name)}</text>`,
      );
    });
  });
  out.push('</svg>', '');
  return out.join('\n');
}

function formatTick(value: number): string {
  return value >= 10 || value === 0 ? String(Math.round(value)) : value.toFixed(1);
}
