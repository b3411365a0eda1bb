import type { Decider } from './decider';

/** A tiny decider for the lib's own tests: a counter that may not go below zero. */
export type CounterCommand =
  { type: 'Add'; by: number } | { type: 'AddEach'; amounts: number[] } | { type: 'Take'; by: number };
export type CounterEvent = { type: 'Added'; by: number } | { type: 'Taken'; by: number };
export interface CounterState {
  count: number;
}

/** Thrown when a Take would go below zero. */
export class NotEnough extends Error {
  override readonly name = 'NotEnough';
}

/** The counter, with `evolveCalls` counting how often evolve ran. */
export function countingDecider(): Decider<CounterCommand, CounterEvent, CounterState> & {
  evolveCalls: number;
} {
  const decider = {
    evolveCalls: 0,
    initialState: { count: 0 },
    decide(command: CounterCommand, state: CounterState): CounterEvent[] {
      switch (command.type) {
        case 'AddEach':
          return command.amounts.map((by) => ({ type: 'Added', by }));
        case 'Add':
          return command.by === 0 ? [] : [{ type: 'Added', by: command.by }];
        case 'Take':
          if (command.by > state.count) throw new NotEnough(`only ${state.count} left`);
          return [{ type: 'Taken', by: command.by }];
      }
    },
    evolve(state: CounterState, event: CounterEvent): CounterState {
      decider.evolveCalls++;
      return { count: state.count + (event.type === 'Added' ? event.by : -event.by) };
    },
  };
  return decider;
}
