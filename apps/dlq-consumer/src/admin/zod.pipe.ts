import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidRequest } from '../errors/dlq.errors';

/** Validates a query or body at the edge (400 DLQ.INVALID_REQUEST with every problem); code behind it trusts the type. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw new InvalidRequest(
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
}
