import { z } from 'zod';

/**
 * Thrown at start when the environment does not satisfy an app's config schema. The message
 * names every offending variable, so that a bad deployment says what to fix in one line each.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG.INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates `env` (default: process.env) against a zod object whose keys are variable names,
 * and returns the typed result. Defaults belong in the schema (`.default(...)`), so that
 * a local run needs no variables at all while every value stays overridable.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const value = env[variable];
    const shown = value === undefined ? 'unset' : `got ${JSON.stringify(redact(variable, value))}`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|KEY/i;

/** Secrets are never echoed back, not even in an error. */
function redact(variable: string, value: string): string {
  return SECRET_NAME.test(variable) ? '***' : value;
}

/** Reusable field schemas for environment variables, which are always strings. */
export const env = {
  /** A TCP port, 1-65535. */
  port: () => z.coerce.number().int().min(1).max(65_535),
  /** A positive integer, e.g. a timeout in ms or a batch size. */
  positiveInt: () => z.coerce.number().int().positive(),
  /** `true/false/1/0/yes/no`, case-insensitive. */
  bool: () =>
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** A comma-separated list of non-empty items, e.g. KAFKA_BROKERS. */
  list: () =>
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1, 'needs at least one item')),
  /**
   * An optional variable where empty means unset, as `NAME=` in an env file or `${NAME:-}` in
   * compose gives: `optional(env.url('https:'))`.
   */
  optional: <S extends z.ZodType>(schema: S) =>
    z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional()),
  /** A URL with one of the given protocols, e.g. `url('postgres:', 'postgresql:')`. */
  url: (...protocols: string[]) =>
    z.url().refine((v) => protocols.length === 0 || protocols.includes(new URL(v).protocol), {
      message: `must be a URL with protocol ${protocols.join(' or ')}`,
    }),
};
