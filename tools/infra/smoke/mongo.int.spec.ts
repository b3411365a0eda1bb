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
});
