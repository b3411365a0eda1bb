export { evolveAll, type Decider } from './decider';
export {
  deciderSpecification,
  type DeciderSpecification,
  type ErrorType,
  type Then,
} from './decider-specification';
export type { AppendOptions, AppendResult, EventStore, StreamRead } from './event-store';
export { ExpectedVersionConflict } from './expected-version-conflict';
export {
  aggregateStream,
  handleCommand,
  type AggregatedStream,
  type CommandInput,
  type CommandResult,
  type ExpectedVersion,
  type HandleCommandOptions,
} from './handle-command';
export { InMemoryEventStore } from './in-memory-event-store';
