import { z } from 'zod';
import { eventTypes, knownVersionsOf } from '../catalog';
import { allTopics } from '../topic-registry';
import { jsonSchemaOf, snapshotOfCatalog } from './catalog-snapshot';

describe('snapshotOfCatalog', () => {
  it('holds every readable version of every event, and every topic', () => {
    const snapshot = snapshotOfCatalog();

    for (const type of eventTypes) {
      expect(Object.keys(snapshot.events[type].versions)).toEqual(knownVersionsOf(type).map(String));
    }
    expect(Object.keys(snapshot.topics).sort()).toEqual(
      allTopics()
        .map((topic) => topic.name)
        .sort(),
    );
  });

  it('marks every version but the latest as upcast', () => {
    const orderPlaced = snapshotOfCatalog().events['OrderPlaced'];

    expect(orderPlaced.latest).toBe(2);
    expect(orderPlaced.versions['1'].upcastsToLatest).toBe(true);
    expect(orderPlaced.versions['2'].upcastsToLatest).toBe(false);
  });
});

describe('jsonSchemaOf', () => {
  it('renders what a reader accepts: a field with a default is optional', () => {
    const schema = jsonSchemaOf(z.object({ id: z.string(), channel: z.string().default('email') }));

    expect(schema).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, channel: { type: 'string', default: 'email' } },
      required: ['id'],
    });
  });

  it('counts refinements, which JSON Schema cannot express', () => {
    const schema = jsonSchemaOf(z.string().refine((s) => s !== 'x'));

    expect(schema).toEqual({ type: 'string', 'x-refinements': 1 });
  });

  it('refuses a type that is not plain JSON', () => {
    expect(() => jsonSchemaOf(z.object({ at: z.date() }))).toThrow();
  });
});
