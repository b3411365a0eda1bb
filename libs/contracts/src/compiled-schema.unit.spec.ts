import { z } from 'zod';
import { eventTypes, versionsOf } from './catalog';
import { compiledSchema } from './compiled-schema';
import { compiledEnvelopeSchema, eventEnvelopeSchema } from './envelope';
import { orderPlacedV1 } from './orders/order-placed.v1';
import { orderPlacedV2 } from './orders/order-placed.v2';

const validV2 = {
  orderId: 'order-1',
  customerId: 'customer-1',
  currency: 'EUR',
  lines: [
    { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
    { sku: 'PEN-1', quantity: 1, unitPriceMinor: 199 },
  ],
  totalMinor: 2699,
};

const validV1 = {
  orderId: 'order-1',
  customerId: 'customer-1',
  currency: 'EUR',
  lines: [
    { sku: 'BOOK-1', quantity: 2, price: '12.50' },
    { sku: 'PEN-1', quantity: 1, price: '1.99' },
  ],
};

const validEnvelope = {
  id: '0193a1b2-0000-7000-8000-000000000001',
  type: 'OrderPlaced',
  version: 2,
  occurredAt: '2026-11-25T10:00:00.000Z',
  aggregateId: 'order-1',
  aggregateVersion: 1,
  correlationId: 'req-1',
  causationId: null,
  payload: validV2,
};

/** Values that break one field or another: wrong types, bounds, formats, and absence. */
const badValues: unknown[] = [
  undefined,
  null,
  '',
  'x'.repeat(200),
  'lowercase',
  'eur',
  '2026-11-25T10:00:00',
  '2026-02-30T10:00:00Z',
  '12.5',
  0,
  -1,
  1.5,
  Number.NaN,
  2 ** 60,
  true,
  [],
  {},
];

/** `input` with the value at `path` replaced (or removed, for undefined). */
function withValue(input: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** Every path to a leaf (and to every object or array on the way) of a JSON-like value. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))].filter((p) => p.length > 0);
}

/** Every single-field mutation of `valid`, the valid input itself, an extra key, and non-objects. */
function corpus(valid: object): unknown[] {
  const mutations = pathsOf(valid).flatMap((path) => badValues.map((bad) => withValue(valid, path, bad)));
  return [valid, { ...valid, extra: 'dropped' }, ...mutations, null, 'text', 42, [], {}];
}

/** What a parse says, in a form `toEqual` compares: the output (keys in order) or every issue. */
function verdict(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: JSON.stringify(result.data) }
    : { issues: result.error.issues.map(({ code, path, message }) => ({ code, path, message })) };
}

describe('compiled schemas', () => {
  it.each([
    ['the envelope', eventEnvelopeSchema, compiledEnvelopeSchema, validEnvelope],
    ['OrderPlaced v2', orderPlacedV2.payload, versionsOf('OrderPlaced')?.get(2)?.payload, validV2],
    ['OrderPlaced v1', orderPlacedV1.payload, versionsOf('OrderPlaced')?.get(1)?.payload, validV1],
  ] as const)(
    'accept and refuse %s exactly as the plain schema does, with the same output and issues',
    (_name, plain, compiled, valid) => {
      expect(compiled).toBeDefined();
      const inputs = corpus(valid);
      expect(inputs.length).toBeGreaterThan(100);
      for (const input of inputs)
        expect(verdict(compiled as z.ZodType, input)).toEqual(verdict(plain, input));
    },
  );

  it('refuses a v2 order whose total is not the sum of its lines, as the refinement says', () => {
    const compiled = versionsOf('OrderPlaced')?.get(2)?.payload as z.ZodType;
    const input = { ...validV2, totalMinor: 2700 };
    expect(verdict(compiled, input)).toEqual(verdict(orderPlacedV2.payload, input));
    expect(compiled.safeParse(input).success).toBe(false);
  });

  it('are what the codec runs for every version of every event type', () => {
    for (const type of eventTypes) {
      for (const [version, entry] of versionsOf(type) ?? []) {
        // A schema zod cannot compile comes back unchanged: that would silently be the slow path.
        expect({ type, version, compiled: entry.payload !== entry.definition.payload }).toEqual({
          type,
          version,
          compiled: true,
        });
        for (const input of [null, {}, [], 'text', { orderId: 1 }]) {
          expect(verdict(entry.payload, input)).toEqual(verdict(entry.definition.payload, input));
        }
      }
    }
    expect(compiledEnvelopeSchema).not.toBe(eventEnvelopeSchema);
  });

  it('leave a schema zod cannot compile as it is', () => {
    const asyncRefined = z.string().refine(async () => true);
    expect(compiledSchema(asyncRefined)).toBe(asyncRefined);
  });
});
