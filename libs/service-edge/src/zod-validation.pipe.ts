import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { fieldErrors, type FieldError, type FieldErrorFormat } from './field-errors';

/** What an app's validation answers with: its own error (with its stable code), in its own format. */
export interface ValidationOptions extends FieldErrorFormat {
  /** The app's error for an invalid request, carrying `errors` (its problem mapper shows them). */
  invalid: (errors: FieldError[]) => Error;
}

/**
 * Validates a body, query or parameter at the edge against a zod schema: the value parsed, or
 * the app's `invalid` error naming every field at fault. Code behind it trusts the type.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly options: ValidationOptions,
  ) {}

  transform(value: unknown): z.infer<S> {
    // A request without a body or query reaches the pipe as undefined: validated as "no fields".
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw this.options.invalid(fieldErrors(result.error.issues, this.options));
  }
}

/** A pipe class of one app: `new AppPipe(schema)`, or `new AppPipe(schema, 'id')` for a path parameter. */
export type ZodPipeClass = new <S extends z.ZodType>(schema: S, name?: string) => ZodValidationPipe<S>;

/**
 * An app's validation pipe, made once with its error and format:
 * `export const ZodBodyPipe = zodPipe({ invalid: (errors) => new InvalidBody(errors), whole: '(body)' })`,
 * then `@Body(new ZodBodyPipe(placeOrderBodySchema))` or `@Param('id', new ZodBodyPipe(idSchema, 'id'))`.
 */
export function zodPipe(options: ValidationOptions): ZodPipeClass {
  return class AppZodPipe<S extends z.ZodType> extends ZodValidationPipe<S> {
    constructor(schema: S, name?: string) {
      super(schema, name === undefined ? options : { ...options, name });
    }
  };
}
