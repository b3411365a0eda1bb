import { backoffMs, defaultRetryPolicy } from './retry-policy';

describe('backoffMs', () => {
  const policy = { ...defaultRetryPolicy, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2 };

  it('doubles the wait after each failure, up to the cap', () => {
    const top = () => 1; // the upper end of the jitter
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(policy, attempt, top))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('spreads waits between half and all of the step', () => {
    expect(backoffMs(policy, 3, () => 0)).toBe(200);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(300);
  });
});
