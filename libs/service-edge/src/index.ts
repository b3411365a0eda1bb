/**
 * @platform/service-edge: what every app's edges share, once. Request validation with zod
 * (`zodPipe`: the app's own error and codes), the mapping of errors to problems from an app's
 * error table (`problemMapper`), the env schema fragments apps compose their config from
 * (`serviceEnv`, `kafkaEnv`, `mongoEnv`...), the cause chain outage checks look through
 * (`causeChain`), and the percentiles benches and load runs report.
 */
export { causeChain } from './cause-chain';
export { fieldErrors, type FieldError, type FieldErrorFormat } from './field-errors';
export { ZodValidationPipe, zodPipe, type ValidationOptions, type ZodPipeClass } from './zod-validation.pipe';
export {
  problemMapper,
  type ErrorType,
  type ProblemRow,
  type ProblemShape,
  type ProblemTable,
  type StoreOutage,
} from './problem-mapper';
export {
  consumerGroup,
  gatewayIdentityEnv,
  kafkaEnv,
  metricsPort,
  mongoDatabase,
  mongoEnv,
  outboxEnv,
  postgresUrl,
  redisEnv,
  serviceEnv,
} from './env-fragments';
export { median, percentile } from './stats';
