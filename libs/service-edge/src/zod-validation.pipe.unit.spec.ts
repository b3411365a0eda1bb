import { z } from 'zod';
import { ZodValidationPipe, zodPipe } from './zod-validation.pipe';
import type { FieldError } from './field-errors';

class InvalidRequest extends Error {
  readonly code = 'TEST.INVALID_REQUEST';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

const invalid = (errors: FieldError[]) => new InvalidRequest(errors);
const body = z.strictObject({
  sku: z
    .string()
    .regex(/^[A-Z]+$/, 'must be upper case')
    .max(3),
  quantity: z.number(),
});

function thrownBy(run: () => unknown): InvalidRequest {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequest) return error;
    throw error;
  }
  throw new Error('expected an InvalidRequest');
}

describe('ZodValidationPipe', () => {
  it('returns the parsed value of a valid request', () => {
    const pipe = new ZodValidationPipe(z.object({ limit: z.coerce.number() }), { invalid });
    expect(pipe.transform({ limit: '20' })).toEqual({ limit: 20 });
  });

  it("throws the app's error with every field at fault, by dotted path", () => {
    const pipe = new ZodValidationPipe(z.object({ lines: z.array(z.object({ sku: z.string() })) }), {
      invalid,
    });
    const error = thrownBy(() => pipe.transform({ lines: [{ sku: 1 }] }));
    expect(error.code).toBe('TEST.INVALID_REQUEST');
    expect(error.errors).toEqual([{ path: 'lines.0.sku', message: expect.any(String) }]);
  });

  it('validates a missing body or query as no fields', () => {
    const pipe = new ZodValidationPipe(z.object({ name: z.string() }), { invalid });
    expect(thrownBy(() => pipe.transform(undefined)).errors).toEqual([
      { path: 'name', message: expect.any(String) },
    ]);
  });

  it('names an issue about the whole value by `whole`, or by an empty path', () => {
    const schema = z.object({ name: z.string() });
    expect(
      thrownBy(() => new ZodValidationPipe(schema, { invalid, whole: '(body)' }).transform('x')).errors,
    ).toEqual([{ path: '(body)', message: expect.any(String) }]);
    expect(thrownBy(() => new ZodValidationPipe(schema, { invalid }).transform('x')).errors[0]?.path).toBe(
      '',
    );
  });

  it('keeps every issue and the unknown keys as one issue, unless one error per field is asked', () => {
    const value = { sku: 'abcd', quantity: 1, colour: 'red' };
    const plain = thrownBy(() => new ZodValidationPipe(body, { invalid }).transform(value)).errors;
    expect(plain.map((e) => e.path)).toEqual(['sku', 'sku', '']);

    const perField = thrownBy(() =>
      new ZodValidationPipe(body, { invalid, perField: true }).transform(value),
    );
    expect(perField.errors).toEqual([
      { path: 'sku', message: 'must be upper case' },
      { path: 'colour', message: 'is not a field of this request' },
    ]);
  });
});

describe('zodPipe', () => {
  const AppPipe = zodPipe({ invalid });

  it("makes an app's pipe class that throws the app's error", () => {
    expect(thrownBy(() => new AppPipe(z.object({ limit: z.number() })).transform({})).code).toBe(
      'TEST.INVALID_REQUEST',
    );
  });

  it('names a path parameter by the name it is given', () => {
    const pipe = new AppPipe(z.uuid(), 'id');
    expect(thrownBy(() => pipe.transform('nope')).errors).toEqual([
      { path: 'id', message: expect.any(String) },
    ]);
    expect(pipe.transform('0b5e7a56-5f0a-4f3e-9d61-1f4f7f6b2c11')).toBe(
      '0b5e7a56-5f0a-4f3e-9d61-1f4f7f6b2c11',
    );
  });
});
