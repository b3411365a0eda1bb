import { Headers } from '@platform/contracts';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import mongoose, { type Connection } from 'mongoose';
import { readDeadLetter } from './dead-letter';
import { QuarantineStore } from './quarantine.store';

const NUL = String.fromCharCode(0);

describe('QuarantineStore on the Mongo-compatible store', () => {
  let connection: Connection;
  let store: QuarantineStore;

  beforeAll(async () => {
    connection = await reach('MongoDB', infraEnv.mongoUrl, () =>
      mongoose.createConnection(infraEnv.mongoUrl, { dbName: uniqueName('quarantine_store') }).asPromise(),
    );
    store = new QuarantineStore(connection);
    await store.onModuleInit();
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

    const listed = await store.list({ eventType: `Odd${NUL}Type`, topic: `order.events` }, 10);
    expect(listed.items.map((item) => item._id)).toEqual([letter.id]);
    expect(await store.list({ topic: `order${NUL}.events` }, 10)).toEqual({ items: [], next: null });
    expect(await store.groups({ eventType: `Odd${NUL}Type` })).toHaveLength(1);

    const withNul = letter.id.replace('\u2400', NUL);
    expect(withNul).not.toBe(letter.id);
    expect((await store.get(withNul))?._id).toBe(letter.id);
    expect(await store.get(`no${NUL}such`)).toBeNull();

    const discarded = await store.leave(withNul, 'discarded', {
      at: new Date(),
      action: 'discarded',
      by: 'admin-1',
      detail: `bad${NUL}reason`,
    });
    expect(discarded?.status).toBe('discarded');
    expect(discarded?.history.at(-1)?.detail).toBe('bad\u2400reason');
  });

  // Found by `npm run fuzz:http`: a group discarded while the groups were being read was a 500.
  it('leaves out a group emptied between its count and the lookup of its entries', async () => {
    const letter = readDeadLetter({ topic: 'identity.events.dlq', partition: 1, offset: '9' }, null, null, [
      { name: Headers.errorClass, value: Buffer.from('RaceProbe') },
    ]);
    await store.record(letter);
    const aggregate = store.model.aggregate.bind(store.model);
    const discardMeanwhile = jest.spyOn(store.model, 'aggregate').mockImplementationOnce(((
      pipeline: never,
    ) => {
      const counted = aggregate(pipeline);
      return counted.then(async (counts: unknown) => {
        await store.leave(letter.id, 'discarded', {
          at: new Date(),
          action: 'discarded',
          detail: 'meanwhile',
        });
        return counts;
      });
    }) as never);
    const groups = await store.groups({ status: 'quarantined', topic: 'identity.events' });
    expect(discardMeanwhile).toHaveBeenCalled();
    expect(groups.map((group) => group.fingerprint)).not.toContain(letter.fingerprint);
  });
});
