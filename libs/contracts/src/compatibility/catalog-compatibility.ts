import { isDeepStrictEqual } from 'node:util';
import type { CatalogSnapshot, EventSnapshot, TopicSnapshot } from './catalog-snapshot';
import { compareSchemas, type JsonSchema } from './schema-compatibility';

/** What changed between the published catalog and the current one, one line per change. */
export interface CompatibilityReport {
  /** Changes that break a producer, a consumer or a record already in the log. */
  readonly breaking: readonly string[];
  /** Changes that break no one but are not published yet: the snapshot must be refreshed. */
  readonly additions: readonly string[];
}

interface Findings {
  breaking: string[];
  additions: string[];
}

/**
 * Compares the published catalog with the current one. Pure: both sides are snapshots.
 * - A published event version must stay, with its payload schema frozen (see `compareSchemas`:
 *   only new optional fields and documentation may change). So must the envelope.
 * - Every version but the latest must upcast to the latest, since handlers only see the latest;
 *   versions have no gaps.
 * - A published topic must stay, with the same key, retry and DLQ topics, the events it carried,
 *   and no fewer partitions.
 * New event types, new versions (with their upcaster), new topics, new events on a topic, more
 * partitions and other topic settings are additions.
 */
export function compareCatalogs(published: CatalogSnapshot, current: CatalogSnapshot): CompatibilityReport {
  const findings: Findings = { breaking: [], additions: [] };
  compareSchemaAt('envelope', published.envelope, current.envelope, findings);
  if (published.jsonSchema.dialect !== current.jsonSchema.dialect) {
    findings.additions.push(
      `JSON Schema dialect changed from ${published.jsonSchema.dialect} to ${current.jsonSchema.dialect}`,
    );
  }
  for (const [type, before] of Object.entries(published.events)) {
    compareEvent(type, before, current.events[type], findings);
  }
  for (const [type, after] of Object.entries(current.events)) {
    checkVersionChain(type, after, findings);
    if (!(type in published.events)) {
      findings.additions.push(`${type}: new event type (${versionList(after)})`);
    }
  }
  for (const [name, before] of Object.entries(published.topics)) {
    compareTopic(name, before, current.topics[name], findings);
  }
  for (const name of Object.keys(current.topics)) {
    if (!(name in published.topics)) findings.additions.push(`topic ${name}: new topic`);
  }
  return findings;
}

function compareEvent(type: string, before: EventSnapshot, after: EventSnapshot | undefined, out: Findings) {
  for (const [version, published] of Object.entries(before.versions)) {
    const current = after?.versions[version];
    if (current === undefined) {
      out.breaking.push(
        `${type} v${version}: published version removed: records of it in the log and the DLQ could no ` +
          'longer be read; keep it, superseded, with an upcaster to the next version (catalog.ts)',
      );
      continue;
    }
    compareSchemaAt(`${type} v${version} payload`, published.payload, current.payload, out);
  }
  if (after === undefined) return;
  for (const version of Object.keys(after.versions)) {
    if (!(version in before.versions)) out.additions.push(`${type} v${version}: new version`);
  }
  if (after.latest > before.latest) {
    out.additions.push(
      `${type}: producers now write v${after.latest} instead of v${before.latest}; deploy its consumers first`,
    );
  }
}

/** Consumers are handed the latest version only, so every older one needs a way up. */
function checkVersionChain(type: string, event: EventSnapshot, out: Findings): void {
  const versions = Object.keys(event.versions)
    .map(Number)
    .sort((a, b) => a - b);
  versions.forEach((version, i) => {
    if (i > 0 && version !== versions[i - 1] + 1) {
      out.breaking.push(
        `${type}: v${versions[i - 1]} is followed by v${version}; a new version is the previous + 1`,
      );
    }
  });
  if (!versions.includes(event.latest)) {
    out.breaking.push(`${type}: the latest version v${event.latest} is not among its versions`);
  }
  for (const version of versions) {
    if (version !== event.latest && !event.versions[String(version)].upcastsToLatest) {
      out.breaking.push(
        `${type} v${version}: no upcaster to v${version + 1}: its records could not be handed to handlers, ` +
          `which see v${event.latest} only (add it to supersededVersions in catalog.ts)`,
      );
    }
  }
}

function compareTopic(name: string, before: TopicSnapshot, after: TopicSnapshot | undefined, out: Findings) {
  const at = `topic ${name}`;
  if (after === undefined) {
    out.breaking.push(`${at}: removed: its records, consumers and dead letters would be stranded`);
    return;
  }
  if (!isDeepStrictEqual(before.key, after.key)) {
    out.breaking.push(
      `${at}: key changed from ${describeKey(before)} to ${describeKey(after)}: an entity's new records ` +
        'would land in another partition than its old ones, out of order',
    );
  }
  if (after.partitions < before.partitions) {
    out.breaking.push(
      `${at}: partitions lowered from ${before.partitions} to ${after.partitions}: Kafka cannot shrink a topic`,
    );
  } else if (after.partitions > before.partitions) {
    out.additions.push(
      `${at}: partitions raised from ${before.partitions} to ${after.partitions} (moves keys to other ` +
        "partitions; an existing topic grows only with ensureTopics' allowPartitionGrowth)",
    );
  }
  for (const field of ['retry', 'dlq'] as const) {
    if (before[field] !== after[field]) {
      out.breaking.push(
        `${at}: ${field} topic changed from ${before[field]} to ${after[field]}: records waiting there would be stranded`,
      );
    }
  }
  for (const type of before.events) {
    if (!after.events.includes(type)) {
      out.breaking.push(`${at}: no longer carries ${type}: its consumers would stop receiving it`);
    }
  }
  for (const type of after.events) {
    if (!before.events.includes(type)) out.additions.push(`${at}: now carries ${type}`);
  }
  for (const field of ['owner', 'retentionMs', 'dlqRetentionMs'] as const) {
    if (before[field] !== after[field]) {
      out.additions.push(`${at}: ${field} changed from ${before[field]} to ${after[field]}`);
    }
  }
}

function compareSchemaAt(where: string, published: JsonSchema, current: JsonSchema, out: Findings): void {
  for (const change of compareSchemas(published, current)) {
    const line = `${where}${change.path === '' ? '' : `.${change.path}`}: ${change.what}`;
    (change.breaking ? out.breaking : out.additions).push(line);
  }
}

function describeKey(topic: TopicSnapshot): string {
  return `${topic.key.envelopeField} = payload.${topic.key.payloadField}`;
}

function versionList(event: EventSnapshot): string {
  return Object.keys(event.versions)
    .map((version) => `v${version}`)
    .join(', ');
}
