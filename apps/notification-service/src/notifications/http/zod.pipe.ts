import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidRequest } from '../../errors/notification.errors';

/** Validates a query, body or parameter at the edge (400 with every problem); code behind it trusts the type. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly name?: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw new InvalidRequest(
      result.error.issues.map((issue) => ({
        path: [this.name, ...issue.path.map(String)].filter(Boolean).join('.'),
        message: issue.message,
      })),
    );
  }
}
