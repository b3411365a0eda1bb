import { mongo } from 'mongoose';
import { isMongoUnavailable } from './mongo-unavailable';

describe('isMongoUnavailable', () => {
  it('recognises an unreachable server, also as the cause of another error', () => {
    expect(isMongoUnavailable(new mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'))).toBe(
      true,
    );
    expect(isMongoUnavailable(new mongo.MongoNotConnectedError('not connected'))).toBe(true);
    const wrapped = new Error('saving failed', { cause: new mongo.MongoNetworkTimeoutError('timed out') });
    expect(isMongoUnavailable(wrapped)).toBe(true);
  });

  it('does not mistake a rejected operation for an outage', () => {
    expect(
      isMongoUnavailable(new mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 })),
    ).toBe(false);
    expect(isMongoUnavailable(new Error('a bug'))).toBe(false);
  });
});
