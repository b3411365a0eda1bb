import { z } from 'zod';
import { jsonSchemaOf } from './catalog-snapshot';
import { compareSchemas } from './schema-compatibility';

/** Each change as one line, `breaks <path>: <what>` or `adds <path>: <what>`, in the order found. */
function changesFrom(published: z.ZodType, current: z.ZodType): string[] {
  return compareSchemas(jsonSchemaOf(published), jsonSchemaOf(current)).map(
    (change) => `${change.breaking ? 'breaks' : 'adds'} ${change.path || '(root)'}: ${change.what}`,
  );
}

const shipped = z.object({
  orderId: z.string().min(1).max(128),
  carrier: z.string().min(1).max(64).optional(),
});

describe('compareSchemas: a published version is frozen, but for new optional fields', () => {
  it('finds nothing between a schema and itself', () => {
    expect(changesFrom(shipped, shipped)).toEqual([]);
  });

  it('allows a new optional field, as an addition to publish', () => {
    const withNote = shipped.extend({ note: z.string().optional() });

    expect(changesFrom(shipped, withNote)).toEqual(['adds note: new optional field']);
  });

  it('breaks on a new required field, which records already in the log lack', () => {
    const withNote = shipped.extend({ note: z.string() });

    expect(changesFrom(shipped, withNote)).toEqual([
      'breaks note: new required field: records already in the log lack it',
    ]);
  });

  it('breaks on a new optional field in a closed object, whose old readers reject unknown keys', () => {
    const strict = z.strictObject(shipped.shape);
    const withNote = z.strictObject({ ...shipped.shape, note: z.string().optional() });

    expect(changesFrom(strict, withNote)).toEqual([
      expect.stringMatching(
        /^breaks note: new field in a closed object: consumers still on the published schema/,
      ),
    ]);
    expect(changesFrom(z.looseObject(shipped.shape), z.looseObject(withNote.shape))).toEqual([
      'adds note: new optional field',
    ]);
  });

  it('breaks on a removed field, and sees a rename as a removal', () => {
    const renamed = z.object({ orderId: shipped.shape.orderId, shipper: shipped.shape.carrier });

    expect(changesFrom(shipped, renamed)).toEqual([
      'breaks carrier: field removed (or renamed): records in the log carry it and readers may use it',
      'adds shipper: new optional field',
    ]);
  });

  it('breaks when an optional field becomes required, or a required one optional', () => {
    const carrierRequired = shipped.extend({ carrier: z.string().min(1).max(64) });
    const orderIdOptional = shipped.extend({ orderId: z.string().min(1).max(128).optional() });

    expect(changesFrom(shipped, carrierRequired)).toEqual([
      'breaks carrier: field made required: records already in the log without it would fail',
    ]);
    expect(changesFrom(shipped, orderIdOptional)).toEqual([
      expect.stringMatching(/^breaks orderId: field made optional: consumers still on the published schema/),
    ]);
  });

  it('reads a field with a default as optional, since a reader fills it in', () => {
    const withDefault = shipped.extend({ orderId: z.string().min(1).max(128).default('none') });

    expect(changesFrom(shipped, withDefault)).toEqual([
      'breaks orderId: default "none" added',
      expect.stringMatching(/^breaks orderId: field made optional/),
    ]);
  });

  it('breaks on a changed type', () => {
    const numericId = shipped.extend({ orderId: z.int().min(1) });

    expect(changesFrom(shipped, numericId)).toContain(
      'breaks orderId: type changed from "string" to "integer"',
    );
  });

  it('breaks on an enum value removed, and on one added that old readers reject', () => {
    const published = z.object({ reason: z.enum(['logout', 'reuse-detected']) });

    expect(changesFrom(published, z.object({ reason: z.enum(['logout']) }))).toEqual([
      'breaks reason: enum value "reuse-detected" removed: records already in the log may fail it',
    ]);
    expect(
      changesFrom(published, z.object({ reason: z.enum(['logout', 'reuse-detected', 'admin']) })),
    ).toEqual([
      expect.stringMatching(
        /^breaks reason: enum value "admin" added: consumers still on the published schema/,
      ),
    ]);
    expect(changesFrom(published, z.object({ reason: z.enum(['reuse-detected', 'logout']) }))).toEqual([]);
  });

  it('breaks on tightened length and range bounds, and on loosened ones too', () => {
    const published = z.object({ sku: z.string().min(1).max(64), quantity: z.int().min(1) });
    const tightened = z.object({ sku: z.string().min(2).max(32), quantity: z.int().min(1).max(100) });
    const loosened = z.object({ sku: z.string().max(128), quantity: z.int().min(1) });

    expect(changesFrom(published, tightened)).toEqual([
      'breaks sku: minLength raised from 1 to 2: records already in the log may fail it',
      'breaks sku: maxLength lowered from 64 to 32: records already in the log may fail it',
      'breaks quantity: maximum lowered from 9007199254740991 to 100: records already in the log may fail it',
    ]);
    expect(changesFrom(published, loosened)).toEqual([
      expect.stringMatching(/^breaks sku: minLength 1 removed: consumers still on the published schema/),
      expect.stringMatching(/^breaks sku: maxLength raised from 64 to 128: consumers still on the published/),
    ]);
  });

  it('breaks on a changed regex, showing where the patterns differ', () => {
    const published = z.object({ price: z.string().regex(/^\d{1,13}\.\d{2}$/) });
    const current = z.object({ price: z.string().regex(/^\d{1,13}\.\d{3}$/) });

    expect(changesFrom(published, current)).toEqual([
      'breaks price: pattern changed from "^\\\\d{1,13}\\\\.\\\\d{2}$" to "^\\\\d{1,13}\\\\.\\\\d{3}$"',
    ]);
  });

  it('breaks on a refinement added to a published schema, though JSON Schema cannot show its rule', () => {
    const refined = shipped.refine((order) => order.carrier !== 'pigeon', { message: 'no pigeons' });

    expect(changesFrom(shipped, refined)).toEqual([
      'breaks (root): refinement (.refine/.superRefine) added: records already in the log may fail it',
    ]);
  });

  it('names the path of a change deep inside arrays and nested objects', () => {
    const order = (quantity: z.ZodType) => z.object({ lines: z.array(z.object({ quantity })).min(1) });

    expect(changesFrom(order(z.int().positive()), order(z.int().min(2)))).toEqual([
      'breaks lines[].quantity: exclusiveMinimum 0 removed: consumers still on the published schema reject what it now lets through',
      'breaks lines[].quantity: minimum 2 added: records already in the log may fail it',
    ]);
  });

  it('breaks when a field becomes nullable, which old readers reject', () => {
    const nullableCarrier = shipped.extend({ carrier: z.string().min(1).max(64).nullable().optional() });

    expect(changesFrom(shipped, nullableCarrier)).toEqual([
      'breaks carrier: made nullable: consumers still on the published schema reject what it now lets through',
    ]);
    expect(changesFrom(nullableCarrier, shipped)).toEqual([
      'breaks carrier: no longer nullable: records already in the log may fail it',
    ]);
  });

  it('reports a value of another kind once, not once per keyword below it', () => {
    const nested = z.object({ orderId: z.object({ value: z.string() }), carrier: shipped.shape.carrier });

    expect(changesFrom(shipped, nested)).toEqual(['breaks orderId: type changed from "string" to "object"']);
  });

  it('lets documentation change, as an addition to publish', () => {
    const described = shipped.extend({ carrier: shipped.shape.carrier.describe('who delivers it') });

    expect(changesFrom(shipped, described)).toEqual([
      'adds carrier: description changed (documentation only)',
    ]);
  });

  it('follows the values a record may hold (additionalProperties)', () => {
    const data = z.object({ data: z.record(z.string(), z.unknown()) });

    expect(changesFrom(data, data)).toEqual([]);
    expect(changesFrom(data, z.object({ data: z.record(z.string(), z.string()) }))).toEqual([
      'breaks data.*: changed from {} to {"type":"string"}',
    ]);
  });
});
