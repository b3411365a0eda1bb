import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@platform/identity';
import { ObservabilityModule } from '@platform/observability';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import Redis from 'ioredis';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module';
import { loadApiGatewayConfig } from '../src/config/api-gateway.config';
import { gatewayProblemOf } from '../src/http/gateway.error';
import { setUpGatewayHttp } from '../src/http/gateway-http.setup';

/** What an in-test upstream saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

/** A real HTTP server on 127.0.0.1 that records requests; by default answers 200 JSON after reading the body. */
export interface TestUpstream {
  url: string;
  seen: SeenRequest[];
  handle: UpstreamHandler;
  close(): Promise<void>;
}

export const answerJson: UpstreamHandler = (_req, res, seen) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, bytes: seen.bytes }));
};

export async function startUpstream(handle: UpstreamHandler = answerJson): Promise<TestUpstream> {
  const upstream: TestUpstream = { url: '', seen: [], handle, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const seen: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bytes: 0,
    };
    upstream.seen.push(seen);
    // Counts bytes as they arrive: the upstream never holds the body either.
    req.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
    req.on('end', () => upstream.handle(req, res, seen));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return upstream;
}

/** An RS256 key with a kid, as auth-service publishes them. */
export async function newSigningKey(kid = randomUUID()) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, jwk };
}
export type SigningKey = Awaited<ReturnType<typeof newSigningKey>>;

export interface TokenClaims {
  sub?: string;
  roles?: string[];
  sid?: string;
  jti?: string;
  expiresIn?: string | number;
}

/** An access token as auth-service signs it. */
export function signToken(key: SigningKey, claims: TokenClaims = {}): Promise<string> {
  return new SignJWT({ roles: claims.roles ?? ['customer'], sid: claims.sid ?? randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub ?? `user-${randomUUID()}`)
    .setJti(claims.jti ?? randomUUID())
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '5m')
    .sign(key.privateKey);
}

/** The auth upstream: serves the JWKS of `keys` (mutable: rotate by editing) and counts fetches. */
export async function startAuthUpstream(keys: SigningKey[]) {
  const state = { keys, jwksFetches: 0 };
  const upstream = await startUpstream((req, res, seen) => {
    if (req.url === '/.well-known/jwks.json') {
      state.jwksFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }));
      return;
    }
    answerJson(req, res, seen);
  });
  return Object.assign(upstream, { state });
}

export interface TestGateway {
  url: string;
  app: NestExpressApplication;
  close(): Promise<void>;
}

/** The gateway as main.ts builds it, on a free port, against the given upstreams and real Redis. */
export async function startGateway(env: Record<string, string>): Promise<TestGateway> {
  const config = loadApiGatewayConfig({
    NODE_ENV: 'test',
    REDIS_URL: infraEnv.redisUrl,
    GATEWAY_RETRY_BASE_DELAY_MS: '5',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ObservabilityModule.forRoot({
        serviceName: 'api-gateway',
        logLevel: 'silent',
        mapError: gatewayProblemOf,
      }),
      AppModule.with(config),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false, bodyParser: false });
  setUpGatewayHttp(app, config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}

/** A Redis client for assertions and cleanup, failing with how to start Redis if it is not there. */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(infraEnv.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await reach('Redis', infraEnv.redisUrl, () => redis.connect());
  return redis;
}

/** Deletes every key under `prefix` (a uniqueName the suite owns). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

export const rateLimitPrefix = () => `${uniqueName('gwtest')}:`;

/** `fetch` with a bearer token. */
export function get(url: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers });
}
