import { Headers } from '@platform/contracts';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import mongoose, { type Connection } from 'mongoose';
import { readDeadLetter } from '../domain/dead-letter';
import { QuarantineCollections } from './quarantine-collections';
import { QuarantineQueries } from './quarantine.queries';
import { QuarantineStore } from './quarantine.store';
import { QuarantineTransitions } from './quarantine-transitions';

describe('QuarantineQueries on the Mongo-compatible store', () => {
  let connection: Connection;
  let store: QuarantineStore;
  let queries: QuarantineQueries;
  let transitions: QuarantineTransitions;

  beforeAll(async () => {
    connection = await reach('MongoDB', infraEnv.mongoUrl, () =>
      mongoose.createConnection(infraEnv.mongoUrl, { dbName: uniqueName('quarantine_queries') }).asPromise(),
    );
    const collections = new QuarantineCollections(connection);
    await collections.onModuleInit();
    store = new QuarantineStore(collections);
    queries = new QuarantineQueries(collections);
    transitions = new QuarantineTransitions(collections);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('counts each kind of failure, described by its oldest entry, largest first', async () => {
    const letterOf = (offset: number, errorClass: string, group: string) =>
      readDeadLetter({ topic: 'notification.jobs.dlq', partition: 0, offset: String(offset) }, null, null, [
        { name: Headers.originalTopic, value: Buffer.from('notification.jobs') },
        { name: Headers.originalPartition, value: Buffer.from('0') },
        { name: Headers.originalOffset, value: Buffer.from(String(offset)) },
        { name: Headers.consumerGroup, value: Buffer.from(group) },
        { name: Headers.errorClass, value: Buffer.from(errorClass) },
      ]);
    const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, second));
    await store.record(letterOf(2, 'KindA', 'second'), at(2));
    await store.record(letterOf(1, 'KindA', 'first'), at(1));
    await store.record(letterOf(3, 'KindA', 'third'), at(3));
    await store.record(letterOf(4, 'KindB', 'only'), at(4));
    const gone = letterOf(5, 'KindB', 'discarded');
    await store.record(gone, at(0));
    await transitions.leave(gone.id, 'discarded', { at: at(6), action: 'discarded' });

    const groups = await queries.groups({ status: 'quarantined', topic: 'notification.jobs' });
    expect(
      groups.map(({ errorClass, count, consumerGroup, oldest, newest }) => ({
        errorClass,
        count,
        consumerGroup,
        oldest,
        newest,
      })),
    ).toEqual([
      { errorClass: 'KindA', count: 3, consumerGroup: 'first', oldest: at(1), newest: at(3) },
      { errorClass: 'KindB', count: 1, consumerGroup: 'only', oldest: at(4), newest: at(4) },
    ]);
    expect(await queries.groups({ status: 'discarded', topic: 'notification.jobs' })).toMatchObject([
      { errorClass: 'KindB', count: 1, consumerGroup: 'discarded' },
    ]);
    const stats = await queries.stats();
    expect(stats.find((s) => s.topic === 'notification.jobs')).toEqual({
      topic: 'notification.jobs',
      count: 4,
      oldest: at(1),
    });
  });
});
