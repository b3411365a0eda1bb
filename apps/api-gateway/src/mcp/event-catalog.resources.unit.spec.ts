import { eventTypes, knownVersionsOf } from '@platform/contracts';
import { EventCatalogResources } from './event-catalog.resources';

describe('EventCatalogResources', () => {
  const resources = new EventCatalogResources();

  it('lists the catalog, the envelope and one resource per event type', () => {
    const uris = resources.list().map((r) => r.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'contracts://events',
        'contracts://envelope',
        'contracts://events/OrderPlaced',
      ]),
    );
    expect(uris).toHaveLength(eventTypes.length + 2);
  });

  it('reads an event as the JSON Schema of every version it can still be read in', () => {
    const read = resources.read('contracts://events/OrderPlaced');
    const document = JSON.parse((read?.contents[0] as { text: string }).text) as {
      latest: number;
      versions: Record<string, { payload: unknown }>;
      topics: string[];
    };
    expect(Object.keys(document.versions).map(Number)).toEqual(knownVersionsOf('OrderPlaced'));
    expect(document.latest).toBe(2);
    expect(document.topics).toEqual(['order.events']);
    expect(resources.read('contracts://events/Nope')).toBeUndefined();
  });
});
