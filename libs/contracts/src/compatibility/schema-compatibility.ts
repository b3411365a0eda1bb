import { isDeepStrictEqual } from 'node:util';

/** A JSON Schema as `z.toJSONSchema` renders it: a map of keywords, or a boolean schema. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

type SchemaObject = { readonly [keyword: string]: unknown };

/** One difference between a published schema and the current one. */
export interface SchemaChange {
  /** The field it concerns, below the schema's root (`lines[].quantity`); '' for the root. */
  readonly path: string;
  /** True when it breaks a reader or writer of the published schema; else an addition to publish. */
  readonly breaking: boolean;
  /** What changed and whom it breaks, in words. */
  readonly what: string;
}

/**
 * The number of `.refine()`/`.superRefine()` checks on a schema, which JSON Schema cannot
 * express; `jsonSchemaOf` records it so that adding one to a published version is caught.
 */
export const REFINEMENTS = 'x-refinements';

const TIGHTENED = 'records already in the log may fail it';
const LOOSENED = 'consumers still on the published schema reject what it now lets through';

/** Keywords that only document: changing them breaks no one, but it is still a change to publish. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'deprecated']);

/** Bounds whose raise rejects values the published schema accepted. */
const LOWER_BOUNDS = new Set([
  'minimum',
  'exclusiveMinimum',
  'minLength',
  'minItems',
  'minProperties',
  'minContains',
]);
const UPPER_BOUNDS = new Set([
  'maximum',
  'exclusiveMaximum',
  'maxLength',
  'maxItems',
  'maxProperties',
  'maxContains',
]);

/** Keywords holding one subschema, and how a path names what lies below them. */
const SUBSCHEMA: Readonly<Record<string, (path: string) => string>> = {
  items: (path) => `${path}[]`,
  propertyNames: (path) => `${path}(property names)`,
  contains: (path) => `${path}(contains)`,
  not: (path) => `${path}(not)`,
  if: (path) => `${path}(if)`,
  then: (path) => `${path}(then)`,
  else: (path) => `${path}(else)`,
};

/** Keywords holding a list of subschemas, compared position by position. */
const SUBSCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

/** Keywords read together by `compareObjectShape`. */
const OBJECT_SHAPE = new Set(['properties', 'required', 'additionalProperties']);

/**
 * Compares a published payload schema with the current one under the rule for published event
 * versions: the schema is frozen, because consumers read old records from the log and may still
 * run the published schema when new records arrive. Any change is breaking except
 * - a new optional field in an object that lets unknown keys through (zod's default `z.object`,
 *   which strips them): old records lack it, which optional allows; old consumers drop it;
 * - a change to an annotation (`description`, `title`, ...), which validates nothing.
 * Those come back as non-breaking changes, so that the snapshot can be refreshed.
 */
export function compareSchemas(published: JsonSchema, current: JsonSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  compareAt('', published, current, changes);
  return changes;
}

function compareAt(path: string, published: JsonSchema, current: JsonSchema, out: SchemaChange[]): void {
  if (typeof published === 'boolean' || typeof current === 'boolean') {
    if (!isDeepStrictEqual(published, current)) {
      out.push(breaking(path, `schema changed from ${show(published)} to ${show(current)}`));
    }
    return;
  }
  if (compareNullability(path, published, current, out)) return;
  const kindChange = describeKindChange(published, current);
  if (kindChange !== undefined) {
    out.push(breaking(path, kindChange)); // what lies below a different kind of value is moot
    return;
  }
  if ([...OBJECT_SHAPE].some((keyword) => keyword in published || keyword in current)) {
    compareObjectShape(path, published, current, out);
  }
  const keywords = new Set([...Object.keys(published), ...Object.keys(current)]);
  for (const keyword of keywords) {
    if (OBJECT_SHAPE.has(keyword)) continue;
    compareKeyword(path, keyword, published[keyword], current[keyword], out);
  }
}

function compareKeyword(
  path: string,
  keyword: string,
  published: unknown,
  current: unknown,
  out: SchemaChange[],
): void {
  if (isDeepStrictEqual(published, current)) return;
  if (ANNOTATIONS.has(keyword)) {
    out.push({ path, breaking: false, what: `${keyword} changed (documentation only)` });
  } else if (published !== undefined && current !== undefined && keyword in SUBSCHEMA) {
    compareAt(SUBSCHEMA[keyword](path), published as JsonSchema, current as JsonSchema, out);
  } else if (SUBSCHEMA_LISTS.has(keyword) && Array.isArray(published) && Array.isArray(current)) {
    compareLists(path, keyword, published, current, out);
  } else if (keyword === 'enum' && Array.isArray(published) && Array.isArray(current)) {
    compareEnums(path, published, current, out);
  } else if (keyword === 'type' && sameSet(published, current)) {
    return; // ['string', 'null'] and ['null', 'string'] accept the same values
  } else if (LOWER_BOUNDS.has(keyword) || UPPER_BOUNDS.has(keyword)) {
    out.push(breaking(path, describeBound(keyword, published, current)));
  } else if (keyword === REFINEMENTS) {
    out.push(breaking(path, describeRefinements(Number(published ?? 0), Number(current ?? 0))));
  } else {
    out.push(breaking(path, describeChange(keyword, published, current)));
  }
}

/**
 * `x` and `x or null` (zod's `.nullable()`: an `anyOf` with `{type: 'null'}`, or a type list for
 * bare types): one change, then the rest of the schema compared as usual. True when it found one.
 */
function compareNullability(
  path: string,
  published: SchemaObject,
  current: SchemaObject,
  out: SchemaChange[],
) {
  const publishedInner = withoutNull(published);
  const currentInner = withoutNull(current);
  if (publishedInner === undefined && currentInner !== undefined) {
    out.push(breaking(path, `made nullable: ${LOOSENED}`));
    compareAt(path, published, currentInner, out);
    return true;
  }
  if (publishedInner !== undefined && currentInner === undefined) {
    out.push(breaking(path, `no longer nullable: ${TIGHTENED}`));
    compareAt(path, publishedInner, current, out);
    return true;
  }
  return false;
}

/** The schema without its `null` alternative, or undefined when it has none. */
function withoutNull(schema: SchemaObject): JsonSchema | undefined {
  const isNull = (s: unknown) => isDeepStrictEqual(s, { type: 'null' });
  const { anyOf, type } = schema;
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some(isNull) && Object.keys(schema).length === 1) {
    return anyOf.find((s) => !isNull(s)) as JsonSchema;
  }
  if (Array.isArray(type) && type.length === 2 && type.includes('null')) {
    return { ...schema, type: type.find((t) => t !== 'null') };
  }
  return undefined;
}

/** A different type, or a union where there was none: one change, not one per keyword below. */
function describeKindChange(published: SchemaObject, current: SchemaObject): string | undefined {
  const [before, after] = [published.type, current.type];
  if (
    before !== undefined &&
    after !== undefined &&
    !isDeepStrictEqual(before, after) &&
    !sameSet(before, after)
  ) {
    return `type changed from ${show(before)} to ${show(after)}`;
  }
  const composition = ['type', 'anyOf', 'oneOf', 'allOf', '$ref'];
  if (composition.some((keyword) => keyword in published !== keyword in current)) {
    return `changed from ${show(published)} to ${show(current)}`;
  }
  return undefined;
}

/**
 * Fields, which of them are required, and what the object does with keys it does not list. A
 * property missing from `properties` counts as removed even when it was optional: readers may
 * rely on it, and in a closed object old records carrying it would no longer read.
 */
function compareObjectShape(
  path: string,
  published: SchemaObject,
  current: SchemaObject,
  out: SchemaChange[],
) {
  const before = propertiesOf(published);
  const after = propertiesOf(current);
  const requiredBefore = new Set(stringsOf(published.required));
  const requiredAfter = new Set(stringsOf(current.required));

  for (const [name, schema] of before) {
    const at = fieldPath(path, name);
    const now = after.get(name);
    if (now === undefined) {
      out.push(
        breaking(at, 'field removed (or renamed): records in the log carry it and readers may use it'),
      );
      continue;
    }
    compareAt(at, schema, now, out);
    if (requiredBefore.has(name) && !requiredAfter.has(name)) {
      out.push(
        breaking(
          at,
          'field made optional: consumers still on the published schema reject records without it',
        ),
      );
    } else if (!requiredBefore.has(name) && requiredAfter.has(name)) {
      out.push(breaking(at, 'field made required: records already in the log without it would fail'));
    }
  }
  for (const name of after.keys()) {
    if (before.has(name)) continue;
    const at = fieldPath(path, name);
    if (requiredAfter.has(name)) {
      out.push(breaking(at, 'new required field: records already in the log lack it'));
    } else if (!letsUnknownKeysThrough(published.additionalProperties)) {
      out.push(
        breaking(
          at,
          'new field in a closed object: consumers still on the published schema reject records carrying it',
        ),
      );
    } else {
      out.push({ path: at, breaking: false, what: 'new optional field' });
    }
  }
  compareAdditionalProperties(path, published.additionalProperties, current.additionalProperties, out);
}

function compareAdditionalProperties(
  path: string,
  published: unknown,
  current: unknown,
  out: SchemaChange[],
) {
  if (isDeepStrictEqual(published, current)) return;
  if (isSchemaObject(published) && isSchemaObject(current)) {
    compareAt(`${path}.*`, published, current, out);
    return;
  }
  const consequence = letsUnknownKeysThrough(current) ? LOOSENED : TIGHTENED;
  out.push(
    breaking(
      path,
      `additionalProperties changed from ${show(published)} to ${show(current)}: ${consequence}`,
    ),
  );
}

/** anyOf & co.: position by position while the count holds, since zod keeps the order it was given. */
function compareLists(
  path: string,
  keyword: string,
  published: unknown[],
  current: unknown[],
  out: SchemaChange[],
) {
  if (published.length !== current.length) {
    const what = `${keyword} changed from ${published.length} to ${current.length} alternatives`;
    out.push(breaking(path, what));
    return;
  }
  published.forEach((schema, i) =>
    compareAt(`${path}(${keyword} #${i + 1})`, schema as JsonSchema, current[i] as JsonSchema, out),
  );
}

function compareEnums(path: string, published: unknown[], current: unknown[], out: SchemaChange[]): void {
  for (const value of published) {
    if (!current.some((v) => isDeepStrictEqual(v, value))) {
      out.push(breaking(path, `enum value ${show(value)} removed: ${TIGHTENED}`));
    }
  }
  for (const value of current) {
    if (!published.some((v) => isDeepStrictEqual(v, value))) {
      out.push(breaking(path, `enum value ${show(value)} added: ${LOOSENED}`));
    }
  }
}

/** A raised lower bound or a lowered upper bound rejects values that were valid: tightened. */
function describeBound(keyword: string, published: unknown, current: unknown): string {
  if (published === undefined) return `${keyword} ${show(current)} added: ${TIGHTENED}`;
  if (current === undefined) return `${keyword} ${show(published)} removed: ${LOOSENED}`;
  const raised = Number(current) > Number(published);
  const tightened = LOWER_BOUNDS.has(keyword) === raised;
  const verb = raised ? 'raised' : 'lowered';
  return `${keyword} ${verb} from ${show(published)} to ${show(current)}: ${tightened ? TIGHTENED : LOOSENED}`;
}

function describeRefinements(published: number, current: number): string {
  return current > published
    ? `refinement (.refine/.superRefine) added: ${TIGHTENED}`
    : `refinement (.refine/.superRefine) removed: ${LOOSENED}`;
}

function describeChange(keyword: string, published: unknown, current: unknown): string {
  if (published === undefined) return `${keyword} ${show(current)} added`;
  if (current === undefined) return `${keyword} ${show(published)} removed`;
  if (typeof published === 'string' && typeof current === 'string') {
    const [before, after] = aroundFirstDifference(published, current);
    return `${keyword} changed from ${before} to ${after}`;
  }
  return `${keyword} changed from ${show(published)} to ${show(current)}`;
}

/**
 * Two strings cut to where they differ, so that a change deep inside zod's 400-character
 * date-time pattern can be seen.
 */
function aroundFirstDifference(a: string, b: string): [string, string] {
  if (a.length <= MAX_SHOWN && b.length <= MAX_SHOWN) return [show(a), show(b)];
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const start = Math.max(0, i - 20);
  const cut = (s: string) =>
    `${start > 0 ? '...' : ''}${JSON.stringify(s.slice(start, start + 60))}${start + 60 < s.length ? '...' : ''}`;
  return [cut(a), cut(b)];
}

/** True for zod's default `z.object` (no keyword) and `z.looseObject` (`{}`). */
function letsUnknownKeysThrough(additionalProperties: unknown): boolean {
  return (
    additionalProperties === undefined ||
    additionalProperties === true ||
    (isSchemaObject(additionalProperties) && Object.keys(additionalProperties).length === 0)
  );
}

function propertiesOf(schema: SchemaObject): Map<string, JsonSchema> {
  const properties = schema.properties;
  return new Map(isSchemaObject(properties) ? (Object.entries(properties) as [string, JsonSchema][]) : []);
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameSet(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((value) => b.includes(value));
}

function fieldPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function breaking(path: string, what: string): SchemaChange {
  return { path, breaking: true, what };
}

const MAX_SHOWN = 100;

/** A value for a message, cut when long (a whole subschema); strings that differ use `aroundFirstDifference`. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}
