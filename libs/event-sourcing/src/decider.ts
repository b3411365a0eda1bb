/**
 * An event-sourced model as three pure parts: what a command decides given the current state,
 * how one event changes the state, and the state of a stream that has no events yet. The state
 * of a stream is always `events.reduce(evolve, initialState)`.
 *
 * The argument order is the Decider pattern's (and emmett's): the command first, then the state
 * it meets; `evolve` takes the state, then the event, so it can be handed to `Array.reduce`.
 */
export interface Decider<Command, Event, State> {
  /** The events `command` records against `state`, or a thrown error naming the rule it breaks. */
  decide(command: Command, state: State): Event[];
  /** The state after `event`. Events are facts already decided: evolve never refuses one. */
  evolve(state: State, event: Event): State;
  /** The state of a stream before its first event. */
  readonly initialState: State;
}

/** The state after `events`, folded onto `from` (the decider's initial state by default). */
export function evolveAll<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
  from: State = decider.initialState,
): State {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
