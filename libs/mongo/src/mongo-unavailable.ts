import { causeChain } from '@platform/service-edge';
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
  return causeChain(error).some((e) => OUTAGE_ERRORS.some((type) => e instanceof type));
}
