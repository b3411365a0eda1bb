import { kafkaClientSetting } from '@platform/messaging';
import { ConfigError, env, isDevelopmentMode, parseEnv } from '@platform/observability';
import {
  gatewayIdentityEnv,
  kafkaEnv,
  metricsPort,
  outboxEnv,
  postgresUrl,
  redisEnv,
  serviceEnv,
} from '@platform/service-edge';
import { z } from 'zod';

/** Every variable auth-service reads, with local defaults (see .env.example). */
export const authServiceConfigSchema = z.object({
  AUTH_HTTP_PORT: env.port().default(3001),
  AUTH_METRICS_PORT: metricsPort(9401),
  ...serviceEnv,
  ...kafkaEnv,
  KAFKA_CLIENT: kafkaClientSetting(),
  AUTH_DATABASE_URL: postgresUrl('auth'),
  ...outboxEnv,
  ...redisEnv,
  /** Lifetime of an access JWT, seconds. */
  AUTH_ACCESS_TOKEN_TTL_SECONDS: env.positiveInt().default(900),
  /** Lifetime of a refresh token (and of its family's revocation key), seconds. */
  AUTH_REFRESH_TOKEN_TTL_SECONDS: env.positiveInt().default(30 * 24 * 3600),
  /** A signing key older than this is replaced by a new one. */
  AUTH_KEY_ROTATION_DAYS: env.positiveInt().default(30),
  /** Failed logins per account, and per client IP, before 429; within the window. */
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: env.positiveInt().default(5),
  AUTH_LOGIN_MAX_FAILURES_PER_IP: env.positiveInt().default(20),
  AUTH_LOGIN_FAILURE_WINDOW_SECONDS: env.positiveInt().default(900),
  /** Prefix of the throttling keys in Redis (tests use their own). */
  AUTH_THROTTLE_KEY_PREFIX: z.string().min(1).default('auth:login-failures'),
  /**
   * Largest request body accepted, e.g. `128kb` (413 above it). Large enough that an oversized
   * field is answered with a 400 naming it, small enough to parse in well under a millisecond.
   */
  AUTH_MAX_BODY_SIZE: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i)
    .default('128kb'),
  ...gatewayIdentityEnv,
  /**
   * The gateway's origin as clients see it (`https://api.example.com`): the OAuth issuer, whose
   * metadata, authorization and token endpoints clients are sent to. Required outside development
   * (https there), since a wrong one sends users' browsers elsewhere.
   */
  PUBLIC_URL: z.string().optional(), // checked and resolved by publicOrigin (below)
  /**
   * Keys that sign the OAuth server's cookies (interaction and session), comma-separated, newest
   * first: the old one stays listed during a rotation so cookies it signed still verify.
   */
  OAUTH_COOKIE_KEYS: env.secret({
    developmentValue: 'development-oauth-cookie-key-not-for-production',
    minLength: 32,
  }),
});

/** The validated config: PUBLIC_URL resolved to an origin (no path, no trailing slash). */
export type AuthServiceConfig = Omit<z.infer<typeof authServiceConfigSchema>, 'PUBLIC_URL'> & {
  PUBLIC_URL: string;
};

/** PUBLIC_URL where none is set under development and test: the gateway's local port. */
export const DEVELOPMENT_PUBLIC_URL = 'http://127.0.0.1:3000';

/** Injection token of the validated config. */
export const AUTH_SERVICE_CONFIG = Symbol('AUTH_SERVICE_CONFIG');

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadAuthServiceConfig(
  source: Record<string, string | undefined> = process.env,
): AuthServiceConfig {
  const publicUrl = publicOrigin(source['PUBLIC_URL'], isDevelopmentMode(source));
  let config: z.infer<typeof authServiceConfigSchema>;
  try {
    config = parseEnv(authServiceConfigSchema, source);
  } catch (error) {
    // One refusal names every bad variable, PUBLIC_URL's rules included.
    if (error instanceof ConfigError && 'problem' in publicUrl)
      throw new ConfigError([...error.problems, publicUrl.problem]);
    throw error;
  }
  if ('problem' in publicUrl) throw new ConfigError([publicUrl.problem]);
  return { ...config, PUBLIC_URL: publicUrl.origin };
}

/**
 * The issuer's origin from PUBLIC_URL: the development one when unset under development and test;
 * elsewhere it must be set, https, and an origin (a path would move every OAuth endpoint under it).
 */
function publicOrigin(
  raw: string | undefined,
  development: boolean,
): { origin: string } | { problem: string } {
  const value = raw?.trim() ? raw.trim() : undefined;
  const problem = (message: string) => ({
    problem: `PUBLIC_URL: ${message} (${value === undefined ? 'unset' : `got "${value}"`})`,
  });
  if (value === undefined)
    return development
      ? { origin: DEVELOPMENT_PUBLIC_URL }
      : problem('is required outside NODE_ENV=development|test');
  if (!URL.canParse(value)) return problem('must be a URL, e.g. https://api.example.com');
  const url = new URL(value);
  if (url.protocol !== 'https:' && (url.protocol !== 'http:' || !development))
    return problem(development ? 'must be an http or https URL' : 'must be an https URL outside development');
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password)
    return problem('must be an origin only, e.g. https://api.example.com (no path, query or credentials)');
  return { origin: url.origin };
}
