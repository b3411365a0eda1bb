/** The goals of docs/benchmarks.md as the scripts print them beside their figures. */

/** A figure's goal: at least, or at most, a bound in the figure's own unit. */
export type Goal = { atLeast: number } | { atMost: number };

/** Whether `figure` meets `goal` (the bound itself meets it). */
export const meets = (figure: number, goal: Goal): boolean =>
  'atLeast' in goal ? figure >= goal.atLeast : figure <= goal.atMost;

/**
 * `figure` with its goal and verdict, e.g. `0.62x (goal >= 0.8x: not met)`; `format` writes both
 * numbers, and the verdict is on the figure as written, so the line never contradicts itself.
 */
export function withGoal(figure: number, goal: Goal, format: (n: number) => string): string {
  const written = format(figure);
  const bound = 'atLeast' in goal ? `>= ${format(goal.atLeast)}` : `<= ${format(goal.atMost)}`;
  const figureAsWritten = Number.parseFloat(written.replace(/[^\d.-]/g, ''));
  const met = meets(Number.isNaN(figureAsWritten) ? figure : figureAsWritten, goal);
  return `${written} (goal ${bound}: ${met ? 'met' : 'not met'})`;
}
