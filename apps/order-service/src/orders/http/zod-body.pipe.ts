import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidBody } from './order-http.errors';

/** Validates a body at the edge; code behind it trusts the parsed type. */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw new InvalidBody(firstPerField(result.error.issues.flatMap(describeIssue)));
  }
}

/** One entry per field: a NUL in a SKU breaks both the text rules and the SKU pattern, one error says so. */
function firstPerField(errors: { path: string; message: string }[]): { path: string; message: string }[] {
  const seen = new Set<string>();
  return errors.filter((error) => !seen.has(error.path) && seen.add(error.path));
}

/** One entry per field at fault: a field the shape does not take is named by its own path. */
function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      message: 'is not a field of this request',
    }));
  }
  return [{ path: path.join('.') || '(body)', message: issue.message }];
}
