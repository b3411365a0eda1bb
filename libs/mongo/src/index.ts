/**
 * @platform/mongo: an app's MongoDB connection (mongoose), with readiness and shutdown.
 * Apps own their databases; this lib owns only how a connection is opened and closed.
 */
export { MONGO_CONNECTION, MongoModule, type MongoOptions } from './mongo.module';
export { decodeCursor, encodeCursor, type ListPosition } from './list-cursor';
export { isMongoUnavailable } from './mongo-unavailable';
