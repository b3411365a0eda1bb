import assert from 'node:assert/strict';
import { evolveAll, type Decider } from './decider';

/** An error class, to say which error a command must be refused with. */
export type ErrorType<E extends Error> = new (...args: never[]) => E;

/** The outcome a decision is checked against (see {@link DeciderSpecification}). */
export interface Then<Event> {
  /** Asserts the command decides exactly `expected`, in order. */
  then(expected: readonly Event[]): void;
  /** Asserts the command is refused with an `type` error, which `check` may look into further. */
  thenThrows<E extends Error>(type: ErrorType<E>, check?: (error: E) => void): void;
}

/** Given/when/then over a decider: given past events, when a command is decided, then events or an error. */
export interface DeciderSpecification<Command, Event> {
  /** The stream so far; `[]` for a new one. */
  given(events: readonly Event[]): { when(command: Command): Then<Event> };
}

/**
 * Tests of a decider written as the business says them: given these events, when this command,
 * then these events (or this refusal). Pure: the state is the decider's fold of the given events,
 * no store is involved. Assertions are node:assert's, so any test runner reports them.
 */
export function deciderSpecification<Command, Event, State>(
  decider: Decider<Command, Event, State>,
): DeciderSpecification<Command, Event> {
  return {
    given: (events) => ({
      when: (command) => {
        const decision = () => decider.decide(command, evolveAll(decider, events));
        return {
          then: (expected) => assert.deepStrictEqual(decision(), expected),
          thenThrows: (type, check) => {
            let decided: Event[];
            try {
              decided = decision();
            } catch (error) {
              assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
              check?.(error);
              return;
            }
            assert.fail(`expected a ${type.name}, but the command decided ${JSON.stringify(decided)}`);
          },
        };
      },
    }),
  };
}
