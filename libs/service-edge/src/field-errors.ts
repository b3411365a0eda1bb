import type { z } from 'zod';

/** One thing wrong with a request: the field's dotted path (`lines.0.sku`) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

/** How an app names its invalid fields (clients rely on it: keep an app's choice stable). */
export interface FieldErrorFormat {
  /** Put before every path: the name of a path parameter, whose own issues have no path. */
  name?: string;
  /** The path of an issue about the whole value (a body that is not an object), e.g. `(body)`. */
  whole?: string;
  /**
   * One error per field: a field the shape does not take is named by its own path (`is not a
   * field of this request`), and only a field's first issue is kept (a NUL in a SKU breaks both
   * the text rules and the SKU pattern; one error says so).
   */
  perField?: boolean;
}

/** The field errors of a failed zod parse, in the app's `format`. */
export function fieldErrors(
  issues: readonly z.core.$ZodIssue[],
  format: FieldErrorFormat = {},
): FieldError[] {
  const prefix = format.name === undefined ? [] : [format.name];
  const pathOf = (path: readonly PropertyKey[]) =>
    [...prefix, ...path.map(String)].join('.') || (format.whole ?? '');
  if (!format.perField) return issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
  const errors = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: pathOf([...issue.path, key]),
          message: 'is not a field of this request',
        }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
  const seen = new Set<string>();
  return errors.filter((error) => !seen.has(error.path) && seen.add(error.path));
}
