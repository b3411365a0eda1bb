import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidBody } from './order-http.errors';

/** Validates one path parameter; a bad one is a 400 naming it, like a bad body field. */
export class ZodParamPipe<S extends z.ZodType> implements PipeTransform<string, z.infer<S>> {
  constructor(
    private readonly name: string,
    private readonly schema: S,
  ) {}

  transform(value: string): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new InvalidBody(result.error.issues.map((issue) => ({ path: this.name, message: issue.message })));
  }
}
