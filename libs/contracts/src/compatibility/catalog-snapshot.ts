import { z } from 'zod';
import { eventTypes, knownVersionsOf, latestVersionOf, versionsOf, type EventType } from '../catalog';
import { eventEnvelopeSchema } from '../envelope';
import { allTopics, type TopicSpec } from '../topic-registry';
import { REFINEMENTS, type JsonSchema } from './schema-compatibility';

/** How payload schemas are rendered: what a consumer must accept (`io: 'input'`), in this dialect. */
export const JSON_SCHEMA_RENDERING = {
  dialect: 'https://json-schema.org/draft/2020-12/schema',
  io: 'input',
} as const;

const jsonSchemaSchema = z.union([z.boolean(), z.record(z.string(), z.unknown())]);

const versionSnapshotSchema = z.object({
  /** True when records of this version are upcast to the latest before a handler sees them. */
  upcastsToLatest: z.boolean(),
  payload: jsonSchemaSchema,
});

const eventSnapshotSchema = z.object({
  latest: z.int().min(1),
  /** Keyed by the version number, as a string since JSON keys are strings. */
  versions: z.record(z.string().regex(/^[1-9]\d*$/), versionSnapshotSchema),
});

const topicSnapshotSchema = z.object({
  owner: z.string(),
  key: z.object({ envelopeField: z.string(), payloadField: z.string() }),
  partitions: z.int().min(1),
  retentionMs: z.int(),
  retry: z.string(),
  dlq: z.string(),
  dlqRetentionMs: z.int(),
  events: z.array(z.string()),
});

/**
 * The contracts as the outside world sees them, as plain JSON: the envelope, every readable
 * version of every event, every topic. The committed `catalog.snapshot.json` is one of these,
 * parsed with this schema so that a hand-damaged file fails with a clear reason.
 */
export const catalogSnapshotSchema = z.object({
  $comment: z.string().optional(),
  jsonSchema: z.object({ dialect: z.string(), io: z.literal('input') }),
  envelope: jsonSchemaSchema,
  events: z.record(z.string(), eventSnapshotSchema),
  topics: z.record(z.string(), topicSnapshotSchema),
});

/** A whole catalog as JSON; see `catalogSnapshotSchema`. */
export type CatalogSnapshot = z.infer<typeof catalogSnapshotSchema>;
/** Every readable version of one event type. */
export type EventSnapshot = z.infer<typeof eventSnapshotSchema>;
/** One topic's agreed name, key, size and contents. */
export type TopicSnapshot = z.infer<typeof topicSnapshotSchema>;

const SNAPSHOT_COMMENT =
  'The published contracts: written by `npm run contracts:snapshot`, checked by ' +
  'libs/contracts/src/compatibility/published-catalog.unit.spec.ts. Never edit it by hand; see docs/contracts.md.';

/**
 * The current catalog as a snapshot. Keys are sorted, so moving an event or a topic around in
 * the source does not show up as a change.
 */
export function snapshotOfCatalog(): CatalogSnapshot {
  const types = [...eventTypes].sort();
  const topics = [...allTopics()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    $comment: SNAPSHOT_COMMENT,
    jsonSchema: JSON_SCHEMA_RENDERING,
    envelope: jsonSchemaOf(eventEnvelopeSchema),
    events: Object.fromEntries(types.map((type) => [type, eventSnapshotOf(type)])),
    topics: Object.fromEntries(topics.map((topic) => [topic.name, topicSnapshotOf(topic)])),
  };
}

/**
 * A zod schema as the JSON Schema of what it accepts (`io: 'input'`: defaults make a field
 * optional, transforms show their input). Refinements have no JSON Schema form; their number is
 * kept under `x-refinements`, so that one added to a published version is seen. Throws on a
 * type JSON Schema cannot express (`z.date()`, `z.custom()`): a payload must be plain JSON.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const rendered = z.toJSONSchema(schema, {
    io: JSON_SCHEMA_RENDERING.io,
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const refinements = (zodSchema._zod.def.checks ?? []).filter(
        (check) => check._zod.def.check === 'custom',
      ).length;
      if (refinements > 0) jsonSchema[REFINEMENTS] = refinements;
    },
  });
  // The dialect is recorded once for the whole snapshot.
  const { $schema: _dialect, ...schemaWithoutDialect } = rendered;
  return schemaWithoutDialect;
}

function eventSnapshotOf(type: EventType): EventSnapshot {
  const entries = versionsOf(type);
  if (!entries) throw new Error(`contracts: ${type} is in eventTypes but not in the catalog`);
  const versions = knownVersionsOf(type).map((version) => {
    const entry = entries.get(version);
    if (!entry) throw new Error(`contracts: ${type} v${version} is listed but has no entry`);
    const snapshot = {
      upcastsToLatest: entry.toLatest !== undefined,
      payload: jsonSchemaOf(entry.definition.payload),
    };
    return [String(version), snapshot] as const;
  });
  return { latest: latestVersionOf(type), versions: Object.fromEntries(versions) };
}

function topicSnapshotOf(topic: TopicSpec): TopicSnapshot {
  return {
    owner: topic.owner,
    key: { envelopeField: topic.key.envelopeField, payloadField: topic.key.payloadField },
    partitions: topic.partitions,
    retentionMs: topic.retentionMs,
    retry: topic.retry,
    dlq: topic.dlq,
    dlqRetentionMs: topic.dlqRetentionMs,
    events: [...topic.events].sort(),
  };
}
