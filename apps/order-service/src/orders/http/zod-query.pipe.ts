import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidQuery } from './order-http.errors';

/** Validates query parameters at the edge; code behind it trusts the parsed type. */
export class ZodQueryPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw new InvalidQuery(
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
}
