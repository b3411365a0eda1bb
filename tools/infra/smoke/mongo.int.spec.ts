import mongoose, { Schema, type Connection } from 'mongoose';
import { infraEnv, reach, uniqueName } from '@platform/testing';

// Natively this is FerretDB on PostgreSQL, under docker-compose the real MongoDB: mongoose must work on both.
describe('MongoDB-compatible store (mongoose)', () => {
  const dbName = uniqueName('smoke');
  let connection: Connection;

  beforeAll(async () => {
    connection = mongoose.createConnection(infraEnv.mongoUrl, { dbName, serverSelectionTimeoutMS: 5_000 });
    await reach('MongoDB', infraEnv.mongoUrl, () => connection.asPromise());
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('writes, reads and refuses a duplicate on a unique index', async () => {
    const Notification = connection.model(
      'Notification',
      new Schema({
        eventId: { type: String, required: true },
        channel: { type: String, required: true },
        userId: { type: String, required: true, index: true },
        body: String,
        readAt: Date,
      }).index({ eventId: 1, channel: 1 }, { unique: true }),
    );
    await Notification.init(); // builds the indexes before the first write

    await Notification.create({ eventId: 'e1', channel: 'email', userId: 'u1', body: 'Welcome' });
    await Notification.create({ eventId: 'e1', channel: 'webhook', userId: 'u1', body: 'Welcome' });
    await expect(
      Notification.create({ eventId: 'e1', channel: 'email', userId: 'u1', body: 'Welcome again' }),
    ).rejects.toMatchObject({ code: 11000 });

    await Notification.updateOne({ eventId: 'e1', channel: 'email' }, { $set: { readAt: new Date() } });
    const docs = await Notification.find({ userId: 'u1' }).sort({ channel: 1 }).lean();
    expect(docs.map((d) => [d.channel, d.body, d.readAt instanceof Date])).toEqual([
      ['email', 'Welcome', true],
      ['webhook', 'Welcome', false],
    ]);
  });

  // FerretDB sends `_jsonb->'field' @> value`, which its own btree indexes cannot serve: without the
  // GIN indexes of tools/infra/ferretdb/gin-indexes.sql every lookup scanned the whole collection.
  it('serves lookups by id and by an indexed field from an index, not a scan of the collection', async () => {
    const Owner = connection.model(
      'Owner',
      new Schema({ _id: String, userId: { type: String, required: true, index: true } }),
    );
    await Owner.init();
    await Owner.insertMany(
      Array.from({ length: 2_000 }, (_, i) => ({ _id: `order-${i}`, userId: `user-${i % 50}` })),
    );

    for (const filter of [{ _id: 'order-1234' }, { userId: 'user-7' }]) {
      const plan = JSON.stringify(await Owner.find(filter).explain());
      // FerretDB reports PostgreSQL's plan, MongoDB its own stages.
      expect({ filter, plan }).toEqual({ filter, plan: expect.stringMatching(/Index Scan|IXSCAN|IDHACK/) });
      expect(plan).not.toMatch(/Seq Scan|COLLSCAN/);
    }
    expect(await Owner.findById('order-1234').lean()).toEqual({
      _id: 'order-1234',
      userId: 'user-34',
      __v: 0,
    });
  });
});
