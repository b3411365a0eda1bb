import { meets, withGoal } from './bench-goal';

const x = (n: number) => `${n.toFixed(2)}x`;
const ms = (n: number) => `${Math.round(n)} ms`;

describe('a figure beside its goal', () => {
  it('meets an at-least goal at the bound and above, not below', () => {
    expect(meets(0.8, { atLeast: 0.8 })).toBe(true);
    expect(meets(0.79, { atLeast: 0.8 })).toBe(false);
  });

  it('meets an at-most goal at the bound and below, not above', () => {
    expect(meets(1_000, { atMost: 1_000 })).toBe(true);
    expect(meets(1_001, { atMost: 1_000 })).toBe(false);
  });

  it('prints the figure, the goal and the verdict in one unit', () => {
    expect(withGoal(0.62, { atLeast: 0.8 }, x)).toBe('0.62x (goal >= 0.80x: not met)');
    expect(withGoal(840, { atMost: 1_000 }, ms)).toBe('840 ms (goal <= 1000 ms: met)');
  });

  it('judges the figure as printed, so a rounded 0.80x never reads "not met"', () => {
    expect(withGoal(0.7996, { atLeast: 0.8 }, x)).toBe('0.80x (goal >= 0.80x: met)');
  });
});
