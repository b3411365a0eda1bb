import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { snapshotOfCatalog, type CatalogSnapshot } from '@platform/contracts';

const INDEX_URI = 'contracts://events';
const ENVELOPE_URI = 'contracts://envelope';
const eventUri = (type: string) => `${INDEX_URI}/${type}`;

/**
 * The event contract catalog as MCP resources: an index of every event (versions, topic), the
 * envelope, and each event's JSON Schema per version, all from `snapshotOfCatalog()`, the same
 * rendering the compatibility check publishes, so an agent reads what consumers are held to.
 */
export class EventCatalogResources {
  private readonly documents: ReadonlyMap<string, { resource: Resource; json: unknown }>;

  constructor(snapshot: CatalogSnapshot = snapshotOfCatalog()) {
    const topicsOf = (type: string) =>
      Object.entries(snapshot.topics)
        .filter(([, topic]) => topic.events.includes(type))
        .map(([name]) => name);
    const documents = new Map<string, { resource: Resource; json: unknown }>();
    const add = (uri: string, name: string, description: string, json: unknown) =>
      documents.set(uri, { resource: { uri, name, description, mimeType: 'application/json' }, json });
    add(
      INDEX_URI,
      'event-catalog',
      'Every event type: its latest version, the versions still readable, and its topic',
      Object.entries(snapshot.events).map(([type, event]) => ({
        type,
        latest: event.latest,
        versions: Object.keys(event.versions).map(Number),
        topics: topicsOf(type),
        uri: eventUri(type),
      })),
    );
    add(
      ENVELOPE_URI,
      'event-envelope',
      'The envelope every event travels in (JSON Schema)',
      snapshot.envelope,
    );
    for (const [type, event] of Object.entries(snapshot.events)) {
      add(eventUri(type), type, `${type}: the JSON Schema of each version (latest v${event.latest})`, {
        type,
        topics: topicsOf(type),
        jsonSchemaDialect: snapshot.jsonSchema.dialect,
        ...event,
      });
    }
    this.documents = documents;
  }

  list(): Resource[] {
    return [...this.documents.values()].map((document) => document.resource);
  }

  /** The resource at `uri`, or undefined for one the catalog does not hold. */
  read(uri: string): ReadResourceResult | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    return {
      contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(document.json, null, 2) }],
    };
  }
}
