import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { currentCorrelationId } from './correlation';
import { traceLogFields } from './trace-context';

export type { Logger } from 'pino';

/** Nest provider token of the app's root pino logger, for libs that log outside Nest's Logger. */
export const PINO_LOGGER = Symbol('PINO_LOGGER');

export interface LoggerOptions {
  /** Written as `service` on every line. */
  serviceName: string;
  /** Lowest level written. Default `info`. */
  level?: Level | 'silent';
  /** Where lines go. Default stdout; tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** More field names to hide, on top of {@link SECRET_FIELDS}, at the same depths. */
  secretFields?: readonly string[];
}

/**
 * Field names whose values never reach a log line, wherever they appear in the first four levels
 * of a logged object (`password`, `body.password`, `req.headers.authorization`, ...).
 */
export const SECRET_FIELDS: readonly string[] = [
  'password',
  'passwordHash',
  'accessToken',
  'refreshToken',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
];

/**
 * Creates the JSON logger of an app: one object per line, ISO time, level as a word, and on every
 * line `service`, the active span's `trace_id`/`span_id` and the current `correlation_id` when
 * there are ones. Secret fields are replaced by `[REDACTED]`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths([...SECRET_FIELDS, ...(options.secretFields ?? [])]), censor: '[REDACTED]' },
    mixin: contextFields,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** Read on every line rather than bound once, because the same logger serves every request. */
function contextFields(): Record<string, string> {
  const fields: Record<string, string> = traceLogFields();
  const correlationId = currentCorrelationId();
  if (correlationId !== undefined) fields['correlation_id'] = correlationId;
  return fields;
}

// Explicit depths rather than a recursive search: redaction paths are compiled once, and a
// bounded set keeps the cost per line predictable.
const DEPTHS = ['', '*.', '*.*.', '*.*.*.'];

function redactPaths(fields: readonly string[]): string[] {
  const keys = fields.map((field) => (/^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`));
  return DEPTHS.flatMap((prefix) =>
    keys.map((key) => (prefix === '' ? key.replace(/^\./, '') : `${prefix.slice(0, -1)}${key}`)),
  );
}
