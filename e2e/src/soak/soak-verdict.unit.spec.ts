import { median } from '@platform/service-edge';
import { growthOf, judge, lastWindow, type SoakBooks, type SoakSample } from './soak-verdict';

const bounds = { windowS: 1_200, growthLimit: 0.1, edgeSamples: 3, lagBoundRecords: 100 };
const cleanBooks: SoakBooks = {
  lost: 0,
  doubled: 0,
  balanced: true,
  detail: '',
  failedRequests: 0,
  serverErrors: 0,
};

/** One sample a minute; `heap(minute)` gives the app's heap, everything else is flat. */
const run = (minutes: number, heap: (minute: number) => number | null, lag = 10): SoakSample[] =>
  Array.from({ length: minutes + 1 }, (_, minute) => ({
    atS: minute * 60,
    apps: { app: { heapUsedBytes: heap(minute), rssBytes: 100e6, openFds: 30 } },
    lag: { group: lag },
    answers: minute * 100,
    notOk: 0,
    serverErrors: 0,
  }));

const check = (samples: SoakSample[], name: string, books = cleanBooks) =>
  judge(samples, bounds, books).checks.find((c) => c.name === name);

describe('the soak verdict', () => {
  it('reduces the heap to its lowest reading, so a sample caught before a collection is no growth', () => {
    // Two of the last three samples caught high: their median would say +16%.
    const sawtooth = run(30, (m) => (m >= 29 ? 58e6 : 50e6));
    expect(check(sawtooth, 'app heapUsedBytes')).toMatchObject({ value: '+0.0%', ok: true });
  });

  it('takes the median of RSS and fds, so one odd sample does not count as growth', () => {
    expect(median([10, 50, 11])).toBe(11);
    expect(median([10, 12])).toBe(11);
    expect(growthOf([10, 50, 11, 10, 11, 10], 3)).toEqual({ first: 11, last: 10, growth: -1 / 11 });
  });

  it('judges growth over the last 20 minutes only: a warm-up before them does not count', () => {
    const warmUpThenFlat = run(30, (m) => (m < 10 ? 20e6 + m * 5e6 : 70e6));
    expect(lastWindow(warmUpThenFlat, bounds.windowS)[0]?.atS).toBe(600);
    expect(check(warmUpThenFlat, 'app heapUsedBytes')).toMatchObject({ value: '+0.0%', ok: true });
  });

  it('fails a heap that keeps growing through the window, and says by how much', () => {
    const leaking = run(30, (m) => 50e6 + m * 1e6);
    const verdict = judge(leaking, bounds, cleanBooks);
    // First three of the window are minutes 10-12 (lowest 60 MB), last three 28-30 (lowest 78 MB).
    expect(verdict.growth['app']?.heapUsedBytes).toEqual({ first: 60e6, last: 78e6, growth: 18 / 60 });
    expect(check(leaking, 'app heapUsedBytes')).toMatchObject({ value: '+30.0%', ok: false });
    expect(verdict.passed).toBe(false);
  });

  it('fails a metric the app did not answer in the window rather than skipping it', () => {
    const silent = run(30, (m) => (m === 20 ? null : 60e6));
    expect(check(silent, 'app heapUsedBytes')).toMatchObject({ value: 'not sampled', ok: false });
  });

  it('splits a short run in two halves instead of comparing a sample with itself', () => {
    expect(growthOf([10, 20, 30, 40], 3)).toEqual({ first: 15, last: 35, growth: 20 / 15 });
    expect(growthOf([10], 3)).toBeNull();
  });

  it('holds lag to its bound in every sample, not only at the end', () => {
    const spike = run(30, () => 60e6).map((s) => (s.atS === 300 ? { ...s, lag: { group: 101 } } : s));
    expect(check(spike, 'consumer lag, every group, every sample')).toMatchObject({
      value: 'max 101 (group at 300 s)',
      ok: false,
    });
    expect(
      check(
        run(30, () => 60e6, 100),
        'consumer lag, every group, every sample',
      )?.ok,
    ).toBe(true);
  });

  it('passes a flat run with balanced books, and fails it on one lost event or one 5xx', () => {
    const flat = run(30, () => 60e6);
    expect(judge(flat, bounds, cleanBooks).passed).toBe(true);
    expect(judge(flat, bounds, { ...cleanBooks, lost: 1, balanced: false }).passed).toBe(false);
    expect(judge(flat, bounds, { ...cleanBooks, serverErrors: 1 }).passed).toBe(false);
  });
});
