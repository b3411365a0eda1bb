import { Headers } from '@platform/contracts';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import mongoose, { type Connection } from 'mongoose';
import { bytesOf } from '../domain/bytes';
import { readDeadLetter } from '../domain/dead-letter';
import { QuarantineCollections } from './quarantine-collections';
import { QuarantineQueries } from './quarantine.queries';
import { QuarantineStore } from './quarantine.store';
import { QuarantineTransitions } from './quarantine-transitions';

const NUL = String.fromCharCode(0);

describe('QuarantineStore on the Mongo-compatible store', () => {
  let connection: Connection;
  let collections: QuarantineCollections;
  let store: QuarantineStore;

  beforeAll(async () => {
    connection = await reach('MongoDB', infraEnv.mongoUrl, () =>
      mongoose.createConnection(infraEnv.mongoUrl, { dbName: uniqueName('quarantine_store') }).asPromise(),
    );
    collections = new QuarantineCollections(connection);
    await collections.onModuleInit();
    store = new QuarantineStore(collections);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  // Found by `npm run fuzz:http`: a NUL in a filter made FerretDB (PostgreSQL jsonb) fail the
  // query, and the list answered 500.
  it('matches filters, ids and reasons holding NUL against the text they were stored as', async () => {
    const letter = readDeadLetter(
      { topic: 'order.events.dlq', partition: 0, offset: '7' },
      null,
      Buffer.from(JSON.stringify({ type: `Odd${NUL}Type`, id: 'event-1' })),
      [
        { name: Headers.originalTopic, value: Buffer.from(`order.events`) },
        { name: Headers.originalPartition, value: Buffer.from('3') },
        { name: Headers.originalOffset, value: Buffer.from('41') },
        { name: Headers.consumerGroup, value: Buffer.from(`group${NUL}a`) },
      ],
    );
    expect(await store.record(letter)).toBe('quarantined');

    const queries = new QuarantineQueries(collections);
    const listed = await queries.list({ eventType: `Odd${NUL}Type`, topic: `order.events` }, 10);
    expect(listed.items.map((item) => item._id)).toEqual([letter.id]);
    expect(await queries.list({ topic: `order${NUL}.events` }, 10)).toEqual({ items: [], next: null });
    expect(await queries.groups({ eventType: `Odd${NUL}Type` })).toHaveLength(1);

    const withNul = letter.id.replace('\u2400', NUL);
    expect(withNul).not.toBe(letter.id);
    expect((await store.get(withNul))?._id).toBe(letter.id);
    expect(await store.get(`no${NUL}such`)).toBeNull();

    const discarded = await new QuarantineTransitions(collections).leave(withNul, 'discarded', {
      at: new Date(),
      action: 'discarded',
      by: 'admin-1',
      detail: `bad${NUL}reason`,
    });
    expect(discarded?.status).toBe('discarded');
    expect(discarded?.history.at(-1)?.detail).toBe('bad\u2400reason');
  });

  it('keeps the bytes apart from the entry, and gives them back whole', async () => {
    const value = Buffer.alloc(256 * 1024, 0xfe);
    const letter = readDeadLetter(
      { topic: 'order.events.dlq', partition: 2, offset: '3' },
      Buffer.from('k'),
      value,
      [
        { name: Headers.errorClass, value: Buffer.from('BytesApart') },
        { name: 'x-odd', value: Buffer.from([0, 1, 2]) },
      ],
    );
    expect(await store.record(letter)).toBe('quarantined');
    expect(await store.record(letter)).toBe('duplicate');

    const stored = await collections.model.findById(letter.id).lean<Record<string, unknown>>();
    expect(stored).not.toHaveProperty('value');
    expect(stored).not.toHaveProperty('headers');
    const entry = await store.get(letter.id);
    expect(bytesOf(entry?.value)).toEqual(value);
    expect(entry?.headers.map((h) => [h.name, bytesOf(h.value)])).toContainEqual([
      'x-odd',
      Buffer.from([0, 1, 2]),
    ]);
  });

  it('reads entries stored inline, as an earlier version wrote them, and moves their bytes', async () => {
    const id = 'order.events:0:1@legacy';
    const value = Buffer.from('{"legacy":true}');
    await collections.model.collection.insertOne({
      _id: id,
      status: 'quarantined',
      topic: 'order.events',
      originalTopic: 'order.events',
      partition: 0,
      offset: '1',
      key: null,
      value,
      headers: [{ name: 'x-legacy', value: Buffer.from('yes') }],
      errorClass: 'Legacy',
      reason: 'permanent',
      attempts: 1,
      fingerprint: 'legacy',
      provenanceComplete: true,
      failures: 1,
      quarantinedAt: new Date(),
      updatedAt: new Date(),
      history: [],
    } as never);

    // Readable before the move: a rolling update has old instances writing inline meanwhile.
    const before = await store.get(id);
    expect(bytesOf(before?.value)).toEqual(value);
    expect(before?.headers.map((h) => h.name)).toEqual(['x-legacy']);

    const restarted = new QuarantineStore(new QuarantineCollections(connection));
    const moved = await Promise.all([
      restarted.moveInlineBytes(),
      new QuarantineStore(new QuarantineCollections(connection)).moveInlineBytes(),
    ]);
    expect(Math.max(...moved)).toBe(1);

    expect(await collections.model.findById(id).lean<Record<string, unknown>>()).not.toHaveProperty('value');
    const entry = await restarted.get(id);
    expect(bytesOf(entry?.value)).toEqual(value);
    expect(entry?.headers.map((h) => h.name)).toEqual(['x-legacy']);
  });
});
