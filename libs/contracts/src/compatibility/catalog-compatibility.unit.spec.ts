import { z } from 'zod';
import { compareCatalogs } from './catalog-compatibility';
import {
  JSON_SCHEMA_RENDERING,
  jsonSchemaOf,
  type CatalogSnapshot,
  type TopicSnapshot,
} from './catalog-snapshot';

const parcelSentV1 = jsonSchemaOf(z.object({ parcelId: z.string().min(1) }));
const parcelSentV2 = jsonSchemaOf(z.object({ parcelId: z.string().min(1), weightGrams: z.int().min(0) }));

const parcelEvents: TopicSnapshot = {
  owner: 'order-service',
  key: { envelopeField: 'aggregateId', payloadField: 'parcelId' },
  partitions: 6,
  retentionMs: 1000,
  retry: 'parcel.events.retry',
  dlq: 'parcel.events.dlq',
  dlqRetentionMs: 2000,
  events: ['ParcelSent'],
};

/** A small published catalog: one event at v1 on one topic. */
const published: CatalogSnapshot = {
  jsonSchema: JSON_SCHEMA_RENDERING,
  envelope: jsonSchemaOf(z.object({ id: z.string(), payload: z.unknown() })),
  events: { ParcelSent: { latest: 1, versions: { '1': { upcastsToLatest: false, payload: parcelSentV1 } } } },
  topics: { 'parcel.events': parcelEvents },
};

/** `published` with some parts replaced. */
function changed(parts: Partial<CatalogSnapshot>): CatalogSnapshot {
  return { ...published, ...parts };
}

function withTopic(topic: Partial<TopicSnapshot>): CatalogSnapshot {
  return changed({ topics: { 'parcel.events': { ...parcelEvents, ...topic } } });
}

const parcelSentAtV2 = {
  latest: 2,
  versions: {
    '1': { upcastsToLatest: true, payload: parcelSentV1 },
    '2': { upcastsToLatest: false, payload: parcelSentV2 },
  },
};

describe('compareCatalogs', () => {
  it('finds nothing between a catalog and itself', () => {
    expect(compareCatalogs(published, published)).toEqual({ breaking: [], additions: [] });
  });

  describe('event versions', () => {
    it('breaks when a published version disappears, saying how to keep it', () => {
      const v1Dropped = changed({
        events: { ParcelSent: { latest: 2, versions: { '2': parcelSentAtV2.versions['2'] } } },
      });

      expect(compareCatalogs(published, v1Dropped).breaking).toEqual([
        expect.stringMatching(/^ParcelSent v1: published version removed: .* upcaster to the next version/),
      ]);
    });

    it('breaks when a whole published event type disappears', () => {
      expect(compareCatalogs(published, changed({ events: {} })).breaking).toEqual([
        expect.stringMatching(/^ParcelSent v1: published version removed/),
      ]);
    });

    it('breaks on a change to a published payload, naming the event, version and field', () => {
      const edited = jsonSchemaOf(z.object({ parcelId: z.string().min(3) }));
      const current = changed({
        events: { ParcelSent: { latest: 1, versions: { '1': { upcastsToLatest: false, payload: edited } } } },
      });

      expect(compareCatalogs(published, current)).toEqual({
        breaking: [
          'ParcelSent v1 payload.parcelId: minLength raised from 1 to 3: records already in the log may fail it',
        ],
        additions: [],
      });
    });

    it('lets a new optional field into a published payload, as an addition', () => {
      const withNote = jsonSchemaOf(z.object({ parcelId: z.string().min(1), note: z.string().optional() }));
      const current = changed({
        events: {
          ParcelSent: { latest: 1, versions: { '1': { upcastsToLatest: false, payload: withNote } } },
        },
      });

      expect(compareCatalogs(published, current)).toEqual({
        breaking: [],
        additions: ['ParcelSent v1 payload.note: new optional field'],
      });
    });

    it('lets a new version in when the previous one upcasts to it, as an addition', () => {
      expect(compareCatalogs(published, changed({ events: { ParcelSent: parcelSentAtV2 } }))).toEqual({
        breaking: [],
        additions: [
          'ParcelSent v2: new version',
          'ParcelSent: producers now write v2 instead of v1; deploy its consumers first',
        ],
      });
    });

    it('breaks when a new version comes without an upcaster from the previous one', () => {
      const noUpcaster = {
        ...parcelSentAtV2,
        versions: { ...parcelSentAtV2.versions, '1': { upcastsToLatest: false, payload: parcelSentV1 } },
      };

      expect(compareCatalogs(published, changed({ events: { ParcelSent: noUpcaster } })).breaking).toEqual([
        expect.stringMatching(/^ParcelSent v1: no upcaster to v2: /),
      ]);
    });

    it('breaks when versions skip a number', () => {
      const skipped = {
        latest: 3,
        versions: {
          '1': { upcastsToLatest: true, payload: parcelSentV1 },
          '3': parcelSentAtV2.versions['2'],
        },
      };

      expect(compareCatalogs(published, changed({ events: { ParcelSent: skipped } })).breaking).toEqual([
        'ParcelSent: v1 is followed by v3; a new version is the previous + 1',
      ]);
    });

    it('lets a new event type in, as an addition', () => {
      const current = changed({
        events: { ...published.events, ParcelLost: published.events['ParcelSent'] },
      });

      expect(compareCatalogs(published, current)).toEqual({
        breaking: [],
        additions: ['ParcelLost: new event type (v1)'],
      });
    });
  });

  it('holds the envelope to the same rules as a payload', () => {
    const current = changed({
      envelope: jsonSchemaOf(z.object({ id: z.string().max(64), payload: z.unknown() })),
    });

    expect(compareCatalogs(published, current).breaking).toEqual([
      'envelope.id: maxLength 64 added: records already in the log may fail it',
    ]);
  });

  describe('topics', () => {
    it('breaks when partitions decrease, and lets them grow as an addition', () => {
      expect(compareCatalogs(published, withTopic({ partitions: 3 }))).toEqual({
        breaking: ['topic parcel.events: partitions lowered from 6 to 3: Kafka cannot shrink a topic'],
        additions: [],
      });
      expect(compareCatalogs(published, withTopic({ partitions: 12 }))).toEqual({
        breaking: [],
        additions: [
          expect.stringMatching(/^topic parcel.events: partitions raised from 6 to 12 \(moves keys/),
        ],
      });
    });

    it('breaks when the key changes', () => {
      const byCustomer = withTopic({ key: { envelopeField: 'aggregateId', payloadField: 'customerId' } });

      expect(compareCatalogs(published, byCustomer).breaking).toEqual([
        expect.stringMatching(
          /^topic parcel.events: key changed from aggregateId = payload.parcelId to aggregateId = payload.customerId: /,
        ),
      ]);
    });

    it('breaks when a topic disappears, and lets a new one in as an addition', () => {
      const renamed = changed({ topics: { 'parcels.events': parcelEvents } });

      expect(compareCatalogs(published, renamed)).toEqual({
        breaking: [expect.stringMatching(/^topic parcel.events: removed: /)],
        additions: ['topic parcels.events: new topic'],
      });
    });

    it('breaks when a topic stops carrying an event, and lets it carry more as an addition', () => {
      expect(compareCatalogs(published, withTopic({ events: [] })).breaking).toEqual([
        'topic parcel.events: no longer carries ParcelSent: its consumers would stop receiving it',
      ]);
      expect(
        compareCatalogs(published, withTopic({ events: ['ParcelSent', 'ParcelLost'] })).additions,
      ).toEqual(['topic parcel.events: now carries ParcelLost']);
    });

    it('breaks when its retry or DLQ topic is renamed, and lets retention change as an addition', () => {
      expect(compareCatalogs(published, withTopic({ dlq: 'parcel.events.dead' })).breaking).toEqual([
        expect.stringMatching(
          /^topic parcel.events: dlq topic changed from parcel.events.dlq to parcel.events.dead/,
        ),
      ]);
      expect(compareCatalogs(published, withTopic({ retentionMs: 5000 }))).toEqual({
        breaking: [],
        additions: ['topic parcel.events: retentionMs changed from 1000 to 5000'],
      });
    });
  });
});
