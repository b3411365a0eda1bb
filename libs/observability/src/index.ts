/**
 * @platform/observability: what every app boots with. Today: validated configuration from the
 * environment; tracing, metrics, structured logs and health checks join it as the apps arrive.
 */
export { ConfigError, env, parseEnv } from './config';
