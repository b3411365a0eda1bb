import type { z } from 'zod';

/**
 * One version of one event: its name, its integer version and the schema of its payload.
 * The literal types of `type` and `version` are kept so that unions of definitions become
 * discriminated unions of events.
 */
export interface EventDefinition<
  T extends string = string,
  V extends number = number,
  S extends z.ZodType = z.ZodType,
> {
  readonly type: T;
  readonly version: V;
  readonly payload: S;
}

/** The payload type a definition describes. */
export type PayloadOfDefinition<D extends EventDefinition> = z.output<D['payload']>;

/**
 * Turns a payload of one version into the payload of the next. Pure and total: anything the
 * older schema accepted must upcast, since a consumer cannot ask the producer again.
 */
export type Upcaster<From extends EventDefinition, To extends EventDefinition> = (
  payload: PayloadOfDefinition<From>,
) => PayloadOfDefinition<To>;

/** Declares one version of an event, keeping `type` and `version` as literal types. */
export function defineEvent<const T extends string, const V extends number, S extends z.ZodType>(
  definition: EventDefinition<T, V, S>,
): EventDefinition<T, V, S> {
  return Object.freeze(definition);
}
