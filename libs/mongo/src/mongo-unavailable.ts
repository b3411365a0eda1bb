import { mongo } from 'mongoose';

/** Driver errors that say the server cannot be reached right now, whatever the operation was. */
const OUTAGE_ERRORS = [
  mongo.MongoNetworkError, // includes timeouts and a cleared connection pool
  mongo.MongoServerSelectionError,
  mongo.MongoNotConnectedError,
  mongo.MongoTopologyClosedError,
  mongo.MongoServerClosedError,
];

/**
 * Whether `error` (or its cause) means the MongoDB server is unreachable rather than that the
 * operation was wrong: a consumer waits such failures out instead of dead-lettering the record
 * (pass it as the group's `retry.isOutage`, with the messaging runtime's own test).
 */
export function isMongoUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (OUTAGE_ERRORS.some((type) => e instanceof type)) return true;
  }
  return false;
}
