/**
 * Plots the summary table of docs/benchmarks.md as horizontal bars, one per row that has a goal:
 *   npm run bench:plot                  # writes docs/benchmarks-summary.svg
 *
 * Each bar is the figure as a share of its goal, so every goal sits at 1.0: figure / goal for a
 * `>=` goal, goal / figure for a `<=` goal. The doc's table is the source (not tmp/bench/*.json):
 * it holds the figures that were reviewed, from runs on different days, and the plot must show
 * the same ones. Figure and goal of a row are written in the same unit (`0.56x` and `>= 0.8x`,
 * `+35 ms` and `<= +2 ms`). Hand-written SVG, no dependencies.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const DOC = join(ROOT, 'docs/benchmarks.md');
const SVG = join(ROOT, 'docs/benchmarks-summary.svg');
/** Bars longer than this share of their goal are cut, their label still says the figure. */
const AXIS_MAX = 2;

interface Bar {
  benchmark: string;
  measure: string;
  figure: string;
  goal: string;
  /** The figure as a share of its goal: 1 is the goal, more is better. */
  share: number;
  /** What the doc says in its "met" column. */
  met: boolean;
}

/** The rows of the first table under `## Summary`, as cells, without the header and rule. */
function summaryRows(markdown: string): string[][] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Summary'));
  if (!section) throw new Error(`${DOC} has no "## Summary" section`);
  const table = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  return table.slice(2);
}

/** `**11 426/s**` -> 11426, `+35 ms` -> 35, `>= 0.8x` -> 0.8: the first number, digit groups joined. */
function numberIn(text: string): number {
  const match = /\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/.exec(text);
  if (!match) throw new Error(`no number in "${text}"`);
  return Number(match[0].replace(/ /g, ''));
}

function toBar([benchmark, measure, figure, goal, met]: string[]): Bar | undefined {
  if (!goal || !/^(>=|<=)/.test(goal)) return undefined;
  const value = numberIn(figure ?? '');
  const target = numberIn(goal);
  const share = goal.startsWith('>=') ? value / target : target / value;
  return {
    benchmark: (benchmark ?? '').replace(/[`*]/g, ''),
    measure: (measure ?? '').replace(/[`*]/g, ''),
    figure: (figure ?? '').replace(/\*/g, ''),
    goal,
    share,
    met: /^(\*\*)?met/.test(met ?? ''),
  };
}

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function plotSvg(bars: Bar[]): string {
  const width = 1000;
  const rowH = 40;
  const pad = { left: 420, right: 250, top: 56, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const height = pad.top + bars.length * rowH + pad.bottom;
  const x = (share: number) => pad.left + (Math.min(share, AXIS_MAX) / AXIS_MAX) * plotW;
  const ticks = [0, 0.5, 1, 1.5, 2];
  const bottom = pad.top + bars.length * rowH;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="16" y="24" font-size="15">Benchmarks against their goals (docs/benchmarks.md, summary)</text>`,
    `<text x="16" y="42" fill="#555">bar = figure as a share of its goal; the dashed line is the goal; bars past ${AXIS_MAX} are cut</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${x(t).toFixed(1)}" y1="${pad.top - 4}" x2="${x(t).toFixed(1)}" y2="${bottom}" stroke="${t === 1 ? '#333' : '#ddd'}"${t === 1 ? ' stroke-dasharray="5 3"' : ''}/>` +
        `<text x="${x(t).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${t === 1 ? 'goal' : `${t}`}</text>`,
    ),
    ...bars.map((bar, i) => {
      const y = pad.top + i * rowH;
      const color = bar.share >= 1 ? '#2ca02c' : '#d62728';
      const cut = bar.share > AXIS_MAX ? ' (cut)' : '';
      return [
        `<text x="${pad.left - 8}" y="${y + 17}" text-anchor="end">${escape(bar.benchmark)}</text>`,
        `<text x="${pad.left - 8}" y="${y + 32}" text-anchor="end" font-size="11" fill="#555">${escape(bar.measure)}</text>`,
        `<rect x="${pad.left}" y="${y + 8}" width="${(x(bar.share) - pad.left).toFixed(1)}" height="${rowH - 16}" fill="${color}"/>`,
        `<text x="${width - pad.right + 8}" y="${y + 24}">${escape(`${bar.figure} (goal ${bar.goal})${cut}`)}</text>`,
      ].join('');
    }),
    `<text x="${pad.left}" y="${height - 8}" fill="#555">green: goal met, red: not met</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function main(): void {
  const bars = summaryRows(readFileSync(DOC, 'utf8'))
    .map(toBar)
    .filter((bar): bar is Bar => bar !== undefined);
  if (bars.length === 0) throw new Error(`no row with a goal in the summary of ${DOC}`);
  // The doc's "met" column and the figures must agree: a hand-edited table can drift.
  const disagree = bars.filter((bar) => bar.met !== bar.share >= 1);
  for (const bar of disagree)
    console.error(`"${bar.benchmark}, ${bar.measure}": the met column disagrees with ${bar.figure}`);
  writeFileSync(SVG, plotSvg(bars));
  console.log(`${SVG}: ${bars.length} bars`);
  if (disagree.length > 0) process.exitCode = 1;
}

main();
