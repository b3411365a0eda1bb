import { evolveAll, type Decider } from './decider';
import type { EventStore } from './event-store';
import { ExpectedVersionConflict } from './expected-version-conflict';

/**
 * The version a command expects its stream at: a number (checked against the stream as read,
 * like If-Match), or `'no-stream'` for a stream the caller is creating, which is then not read at
 * all: its state is the initial state, and the append fails if the stream exists after all.
 */
export type ExpectedVersion = number | 'no-stream';

/** What {@link handleCommand} may be told besides the command. */
export interface HandleCommandOptions {
  /** Refuse with ExpectedVersionConflict unless the stream is at this version; by default any version. */
  expectedVersion?: ExpectedVersion;
}

/**
 * The command to decide, or how to make it from the stream as read: a use case that must look
 * at the state before deciding (who may act on it, which command it becomes) does so here,
 * without reading the stream a second time. It may throw to refuse.
 */
export type CommandInput<Command, State> = Command | ((state: State, version: number) => Command);

/** What a handled command recorded. */
export interface CommandResult<Event, State> {
  /** The events decided and appended (none when the command's effect was already there). */
  newEvents: Event[];
  /** The stream's state after them. */
  newState: State;
  /** The stream's version after them: what the next writer expects. */
  nextExpectedVersion: number;
}

/** A stream folded into its state, with the version of its last event (0: no events). */
export interface AggregatedStream<State> {
  state: State;
  version: number;
  /** When the first event was recorded, if the store keeps it. */
  createdAt?: string;
}

/** Reads `streamId` and folds its events into the decider's state, once. */
export async function aggregateStream<Event, State>(
  store: Pick<EventStore<Event, State>, 'readStream'>,
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  streamId: string,
): Promise<AggregatedStream<State>> {
  const { events, version, createdAt } = await store.readStream(streamId);
  return { state: evolveAll(decider, events), version, ...(createdAt ? { createdAt } : {}) };
}

/**
 * Runs one command against one stream: reads and folds it once, decides, and appends what was
 * decided at the version it was decided on, so a concurrent writer makes this fail with
 * ExpectedVersionConflict rather than both recording. The new state is the folded state evolved
 * by the new events only: evolve runs once per event of the stream and once per new event.
 * Whatever `decide` or `command` throws propagates, and nothing is appended.
 */
export async function handleCommand<Command, Event, State>(
  store: EventStore<Event, NoInfer<State>>,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: NoInfer<CommandInput<Command, State>>,
  options: HandleCommandOptions = {},
): Promise<CommandResult<Event, State>> {
  const { expectedVersion } = options;
  const current: AggregatedStream<State> =
    expectedVersion === 'no-stream'
      ? { state: decider.initialState, version: 0 }
      : await aggregateStream(store, decider, streamId);
  const { state, version } = current;
  const resolved =
    typeof command === 'function' ? (command as (s: State, v: number) => Command)(state, version) : command;
  if (typeof expectedVersion === 'number' && expectedVersion !== version) {
    throw new ExpectedVersionConflict(streamId, expectedVersion, version);
  }
  const newEvents = decider.decide(resolved, state);
  const newState = evolveAll(decider, newEvents, state);
  if (newEvents.length === 0) return { newEvents, newState, nextExpectedVersion: version };
  const { nextExpectedVersion } = await store.appendToStream(streamId, newEvents, {
    expectedVersion: version,
    stateAfter: newState,
    ...(current.createdAt ? { createdAt: current.createdAt } : {}),
  });
  return { newEvents, newState, nextExpectedVersion };
}
