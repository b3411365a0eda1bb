import { IdentityHeaderError } from '@platform/identity';
import { dependencyUnavailable, type Problem, type ProblemMapper } from '@platform/observability';

/** A class of errors, abstract ones included (a row for an app's root error is its fallback). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor: rows are checked with instanceof only
export type ErrorType<E extends Error = Error> = abstract new (...args: any[]) => E;

/** What a row gives besides `code` and `detail` (which are the error's own): status, title, extensions. */
export interface ProblemShape {
  status: number;
  title: string;
  [extension: string]: unknown;
}

/**
 * One row of an app's error table: `[OrderNotFound, 404, 'Order not found']`, or a function of the
 * error when its status depends on it: `[OrderRuleViolation, (error) => ({ status, title })]`.
 * An error whose `errors` is a list of field errors shows them in the problem.
 */
export type ProblemRow =
  | readonly [type: ErrorType, status: number, title: string, extensions?: Record<string, unknown>]
  // `never`: each row's function takes its own error type; the row's instanceof check guarantees it.
  | readonly [type: ErrorType, shape: (error: never) => ProblemShape];

/** A store whose outage is a 503 with Retry-After, not a 500: `{ when: isMongoUnavailable, store: 'the quarantine store' }`. */
export interface StoreOutage {
  when: (error: unknown) => boolean;
  /** Names the store in the problem's detail. */
  store: string;
}

/** An app's error table: what `problemMapper` maps besides the identity errors every app shares. */
export interface ProblemTable {
  /** The app's errors, first match wins: list a subclass before its parent. */
  errors: readonly ProblemRow[];
  /** Stores the app cannot answer without; checked before the table. */
  unavailable?: readonly StoreOutage[];
}

/**
 * An app's ObservabilityOptions.mapError from its error table. Every app answers an identity
 * header it cannot trust (IdentityHeaderError) with 401, and a store outage with 503
 * (`dependencyUnavailable`); each row's problem carries the error's `code` and its message as
 * `detail`. Errors no row matches are left to the filter's defaults (`undefined`).
 */
export function problemMapper(table: ProblemTable): ProblemMapper {
  return (error: unknown): Problem | undefined => {
    if (error instanceof IdentityHeaderError) {
      return { status: 401, title: 'Unauthenticated', code: error.code, detail: error.message };
    }
    const outage = table.unavailable?.find((store) => store.when(error));
    if (outage) return dependencyUnavailable(outage.store);
    if (!(error instanceof Error)) return undefined;
    const row = table.errors.find(([type]) => error instanceof type);
    if (!row) return undefined;
    const shape: ProblemShape =
      typeof row[1] === 'function'
        ? row[1](error as never)
        : { status: row[1], title: row[2] as string, ...(row[3] as Record<string, unknown> | undefined) };
    const { status, title, ...extensions } = shape;
    const { code, errors } = error as { code?: unknown; errors?: unknown };
    return {
      status,
      title,
      ...(typeof code === 'string' ? { code } : {}),
      detail: error.message,
      ...(Array.isArray(errors) ? { errors } : {}),
      ...extensions,
    };
  };
}
