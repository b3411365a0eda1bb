import { z } from 'zod';
import { DEPLOYMENT_DEVELOPMENT_SECRETS } from './published-secrets';

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
  const { source, problems: secretProblems } = resolveSecrets(schema, env);
  const result = schema.safeParse(source);
  if (result.success && secretProblems.length === 0) return result.data;
  // A refused secret is named once, by the secret rule, not again by the schema.
  const refused = new Set(secretProblems.map((problem) => problem.slice(0, problem.indexOf(':'))));
  const issues = (result.success ? [] : result.error.issues).filter(
    (issue) => !refused.has(issue.path.join('.')),
  );
  const problems = secretProblems.concat(
    issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      const value = env[variable];
      const shown = value === undefined ? 'unset' : `got ${JSON.stringify(redact(variable, value))}`;
      return `${variable}: ${issue.message} (${shown})`;
    }),
  );
  throw new ConfigError(problems);
}

/** `NODE_ENV` values under which a secret may be left unset (its development value applies). */
export const DEVELOPMENT_MODES = ['development', 'test'] as const;

/** True when `NODE_ENV` says development or test; unset counts as production (fail closed). */
export function isDevelopmentMode(env: Record<string, string | undefined> = process.env): boolean {
  return (DEVELOPMENT_MODES as readonly (string | undefined)[]).includes(env['NODE_ENV']);
}

interface SecretOptions {
  /** The value used when unset under NODE_ENV=development|test; it is in the repository, so refused elsewhere. */
  developmentValue: string;
  /** Fewest characters accepted (for a URL: of its password). */
  minLength: number;
  /** The secret is the password of a URL (a database or Redis URL): that part is checked. */
  url?: boolean;
}

const secretFields = new WeakMap<z.ZodType, SecretOptions>();
const publishedValues = new Set<string>(DEPLOYMENT_DEVELOPMENT_SECRETS);

/**
 * Declares `value` as published (it is in the repository: a development default, an example in
 * .env.example, docker-compose.yml or a k8s overlay), so that no secret outside development
 * accepts it. Every `env.secret()` development value is published automatically.
 */
export function publishedSecret(value: string): string {
  publishedValues.add(value);
  return value;
}

/** True when `value` is a secret value known to be in the repository. */
export function isPublishedSecret(value: string): boolean {
  return publishedValues.has(value);
}

/**
 * Applies the secret rules before the schema runs: under development/test an unset secret takes
 * its development value; otherwise a secret must be set, long enough, and not a published value.
 */
function resolveSecrets(
  schema: z.ZodObject,
  env: Record<string, string | undefined>,
): { source: Record<string, string | undefined>; problems: string[] } {
  const source = { ...env };
  const problems: string[] = [];
  const development = isDevelopmentMode(env);
  for (const [variable, field] of Object.entries(schema.shape)) {
    const options = secretFields.get(field as z.ZodType);
    if (!options) continue;
    const value = env[variable];
    if (value === undefined || value.trim() === '') {
      if (development) source[variable] = options.developmentValue;
      else problems.push(`${variable}: is required outside NODE_ENV=development|test (unset)`);
      continue;
    }
    const secret = options.url ? passwordOf(value) : value;
    // A list (the public keys trusted during a rotation) is refused when any item is published.
    if (
      !development &&
      (isPublishedSecret(secret) || secret.split(',').some((item) => isPublishedSecret(item.trim())))
    ) {
      problems.push(
        `${variable}: is a value published in the repository; generate a secret of your own (got ***)`,
      );
    } else if (!development && secret.length < options.minLength) {
      const what = options.url ? 'its password' : 'it';
      problems.push(`${variable}: ${what} must be at least ${options.minLength} characters (got ***)`);
    }
  }
  return { source, problems };
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return ''; // not a URL: the schema's own check names the problem
  }
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
  /** A TCP port to listen on, 0-65535: 0 picks any free port (tests), which the app logs. */
  listenPort: () => z.coerce.number().int().min(0).max(65_535),
  /**
   * An interface to listen on, as an IP address: `127.0.0.1` (loopback, the native default),
   * `0.0.0.0` or `::` (every interface, what a container needs).
   */
  host: () =>
    z
      .string()
      .trim()
      .pipe(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address, e.g. 127.0.0.1 or 0.0.0.0' })),
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
  /**
   * A secret (a key, a password): required outside NODE_ENV=development|test, at least
   * `minLength` characters, never a value published in the repository. Under development and
   * test an unset secret takes `developmentValue`, so that a local run needs no configuration.
   */
  secret: (options: SecretOptions) => {
    const schema = z.string().min(options.minLength);
    secretFields.set(schema, options);
    publishedSecret(options.developmentValue);
    return schema;
  },
  /**
   * A URL that carries a credential (`postgres://app:password@host/db`, `redis://user:password@host`):
   * like {@link env.secret}, required outside development and test, and its password must be at
   * least `minLength` characters and not one published in the repository (the development URL's
   * password is published automatically).
   */
  secretUrl: (options: { developmentValue: string; minLength?: number; protocols: string[] }) => {
    const schema = env.url(...options.protocols);
    secretFields.set(schema, {
      developmentValue: options.developmentValue,
      minLength: options.minLength ?? 16,
      url: true,
    });
    const password = passwordOf(options.developmentValue);
    if (password) publishedSecret(password);
    return schema;
  },
  /** A URL with one of the given protocols, e.g. `url('postgres:', 'postgresql:')`. */
  url: (...protocols: string[]) =>
    z.url().refine((v) => protocols.length === 0 || protocols.includes(new URL(v).protocol), {
      message: `must be a URL with protocol ${protocols.join(' or ')}`,
    }),
};
