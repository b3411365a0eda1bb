/**
 * @platform/testing: helpers for tests that run against the real servers. Only *.spec.ts files
 * may import it (enforced by lint).
 */
export { eventually, type EventuallyOptions } from './eventually';
export { startGroupAtEnd } from './group-at-end';
export { infraEnv, reach, type InfraEnv } from './infra';
export { withKafkaAdmin } from './kafka-admin';
export { bootTestApp, type TestAppOptions } from './nest-app';
export { tailTopic } from './tail-topic';
export { uniqueName } from './unique-name';
