import { JwtService } from '@nestjs/jwt';
import { decodeEnvelope, Topics, type EventEnvelope } from '@platform/contracts';
import { RevocationKeys } from '@platform/identity';
import { METRICS_REGISTRY } from '@platform/observability';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import type { Registry } from 'prom-client';
import { Kafka, logLevel } from 'kafkajs';
import { createPublicKey } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SigningKeys } from '../src/tokens/infrastructure/signing-keys';
import { startAuthApp, type AuthApp } from './auth-app.spec-helper';

const password = 'correct horse battery staple';
let auth: AuthApp;

beforeAll(async () => {
  auth = await startAuthApp({ AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
});
afterAll(() => auth?.close());

const newEmail = () => `${uniqueName('user')}@example.com`;

/** Registers `email` (202 whether new or known) and returns it with the id of its account. */
async function register(email = newEmail(), extra: Record<string, unknown> = {}) {
  const res = await auth
    .http()
    .post('/auth/register')
    .send({ email, password, ...extra })
    .expect(202);
  expect(res.body).toEqual({ status: 'accepted', detail: expect.any(String) });
  const normalised = email.trim().toLowerCase();
  return { email: normalised, userId: await userIdOf(normalised) };
}

async function userIdOf(email: string): Promise<string> {
  const rows = (await auth.app.get(DataSource).query('SELECT id FROM users WHERE email = $1', [email])) as {
    id: string;
  }[];
  if (!rows[0]) throw new Error(`no account for ${email}`);
  return rows[0].id;
}

function login(email: string, pw = password) {
  return auth.http().post('/auth/login').send({ email, password: pw });
}

const kidOf = (token: string) =>
  (new JwtService().decode(token, { complete: true }) as { header: { kid: string } }).header.kid;

describe('auth-service sessions', () => {
  it('registers, logs in, rotates the refresh token and revokes the whole family when a rotated one comes back', async () => {
    const { email, userId } = await register();
    const first = (await login(email).expect(200)).body;
    expect(first).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const me = await auth
      .http()
      .get('/auth/me')
      .set('authorization', `Bearer ${first.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ id: userId, email, roles: ['customer'] });

    const second = (
      await auth.http().post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
    ).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reuse = await auth
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(401);
    expect(reuse.body).toMatchObject({ code: 'AUTH.REFRESH_REUSED', status: 401 });
    expect(reuse.headers['content-type']).toMatch(/application\/problem\+json/);

    const sid = (new JwtService().decode(second.accessToken) as { sid: string }).sid;
    expect(await auth.redis.get(RevocationKeys.family(sid))).toBe('1');
    expect(await auth.redis.ttl(RevocationKeys.family(sid))).toBeGreaterThan(
      auth.config.AUTH_REFRESH_TOKEN_TTL_SECONDS - 60,
    );
    const stolen = await auth
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: second.refreshToken })
      .expect(401);
    expect(stolen.body.code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    await auth.http().get('/auth/me').set('authorization', `Bearer ${second.accessToken}`).expect(401);
  });

  it('logs out by revoking the session in Redis so that its access tokens stop working', async () => {
    const { email } = await register();
    const tokens = (await login(email).expect(200)).body;
    await auth.http().post('/auth/logout').set('authorization', `Bearer ${tokens.accessToken}`).expect(204);

    const sid = (new JwtService().decode(tokens.accessToken) as { sid: string }).sid;
    expect(await auth.redis.exists(RevocationKeys.family(sid))).toBe(1);
    const me = await auth
      .http()
      .get('/auth/me')
      .set('authorization', `Bearer ${tokens.accessToken}`)
      .expect(401);
    expect(me.body.code).toBe('AUTH.INVALID_ACCESS_TOKEN');
    await auth.http().post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
  });

  it('never grants admin at registration: every new account is a customer only', async () => {
    const { email, userId } = await register(`  ${newEmail().replace('user', 'admin').toUpperCase()} `);
    const tokens = (await login(email).expect(200)).body;
    const me = await auth
      .http()
      .get('/auth/me')
      .set('authorization', `Bearer ${tokens.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ id: userId, email, roles: ['customer'] });
  });
});

describe('auth-service input', () => {
  it('answers a known email (in another case) exactly like a new one and changes nothing in its account', async () => {
    const { email, userId } = await register();
    const before = await auth.app.get(DataSource).query('SELECT * FROM users WHERE id = $1', [userId]);
    const known = await auth
      .http()
      .post('/auth/register')
      .send({ email: ` ${email.toUpperCase()}`, password: 'another long password', displayName: 'Mallory' })
      .expect(202);
    const fresh = await auth.http().post('/auth/register').send({ email: newEmail(), password }).expect(202);
    expect(known.body).toEqual(fresh.body);
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(fresh.headers).sort());
    const after = (await auth.app.get(DataSource).query('SELECT * FROM users WHERE id = $1', [userId])) as {
      version: number;
    }[];
    // Only the version moved: it counts the RegistrationAttempted event recorded for the owner.
    expect(after).toEqual([{ ...before[0], version: (before[0] as { version: number }).version + 1 }]);
    const events = (await auth.app
      .get(DataSource)
      .query(`SELECT event_type AS type FROM outbox WHERE aggregate_key = $1 ORDER BY id`, [userId])) as {
      type: string;
    }[];
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'RegistrationAttempted']);
    await login(email).expect(200);
    await login(email, 'another long password').expect(401);
  });

  it('answers 400 with the path and message of every invalid field', async () => {
    const res = await auth
      .http()
      .post('/auth/register')
      .send({ email: 'not-an-email', password: 'short' })
      .expect(400);
    expect(res.body.code).toBe('AUTH.INVALID_BODY');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password']);
  });

  it('treats SQL-looking input as data: an invalid email, or a display name stored literally', async () => {
    const injection = "x'; DROP TABLE users; --";
    const bad = await auth
      .http()
      .post('/auth/login')
      .send({ email: `${injection}@x`, password })
      .expect(400);
    expect(bad.body.errors[0].path).toBe('email');
    const { email } = await register(newEmail(), { displayName: injection });
    const tokens = (await login(email).expect(200)).body;
    const me = await auth
      .http()
      .get('/auth/me')
      .set('authorization', `Bearer ${tokens.accessToken}`)
      .expect(200);
    expect(me.body.displayName).toBe(injection);
  });

  it('refuses a body above the size limit with 413', async () => {
    const res = await auth
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
  });

  it('answers a 100 kB field, below the body limit, with a 400 naming the field', async () => {
    const res = await auth
      .http()
      .post('/auth/register')
      .send({ email: newEmail(), password, displayName: 'x'.repeat(100_000) })
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['displayName']);
  });

  it('answers an unknown email and a wrong password with the same 401', async () => {
    const { email } = await register();
    const unknown = await login(newEmail()).expect(401);
    const wrong = await login(email, 'wrong password!').expect(401);
    expect(unknown.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    expect(wrong.body.code).toBe(unknown.body.code);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('throttles an account after repeated failures with 429 and Retry-After, even for the right password', async () => {
    const { email } = await register();
    for (let i = 0; i < 3; i++) await login(email, 'wrong password!').expect(401);
    const res = await login(email).expect(429);
    expect(res.body.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(
      auth.config.AUTH_LOGIN_FAILURE_WINDOW_SECONDS,
    );
  });

  it('resets the failures of an account after a successful login', async () => {
    const { email } = await register();
    for (let i = 0; i < 2; i++) await login(email, 'wrong password!').expect(401);
    await login(email).expect(200);
    for (let i = 0; i < 2; i++) await login(email, 'wrong password!').expect(401);
    await login(email).expect(200);
  });
});

describe('auth-service keys', () => {
  async function jwks() {
    const res = await auth.http().get('/.well-known/jwks.json').expect(200);
    return res.body.keys as { kid: string; kty: string; n: string; e: string }[];
  }

  function verifyWithJwks(token: string, keys: Awaited<ReturnType<typeof jwks>>) {
    const jwk = keys.find((key) => key.kid === kidOf(token));
    if (!jwk) throw new Error(`kid ${kidOf(token)} is not in the JWKS`);
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
    return new JwtService().verify(token, {
      publicKey,
      algorithms: ['RS256'],
      audience: 'platform',
      issuer: 'auth-service',
    });
  }

  it('publishes the key of issued tokens, and after a rotation keeps the old one while new tokens use the new one', async () => {
    const { email } = await register();
    const before = (await login(email).expect(200)).body.accessToken as string;
    expect((await jwks()).map((k) => k.kid)).toContain(kidOf(before));

    const newKid = await auth.app.get(SigningKeys).rotate();
    const after = (await login(email).expect(200)).body.accessToken as string;
    expect(kidOf(after)).toBe(newKid);
    expect(kidOf(after)).not.toBe(kidOf(before));

    const keys = await jwks();
    expect(verifyWithJwks(before, keys)).toMatchObject({ sub: expect.any(String) });
    expect(verifyWithJwks(after, keys)).toMatchObject({ sub: expect.any(String) });
    await auth.http().get('/auth/me').set('authorization', `Bearer ${before}`).expect(200);
  });
});

describe('auth-service events and health', () => {
  it('publishes UserRegistered to identity.events through the outbox, keyed by the user id, once', async () => {
    const kafka = new Kafka({
      clientId: 'auth-e2e',
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName('auth_e2e') });
    const received: { key: string; event: EventEnvelope }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topics.identityEvents.name, fromBeginning: true });
      const { userId } = await register();
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (!message.value) return;
          const event = decodeEnvelope(message.value);
          if (event.aggregateId === userId) received.push({ key: String(message.key), event });
        },
      });
      await eventually(() => received.length >= 1, { timeoutMs: 30_000 });
      expect(received[0]).toMatchObject({
        key: userId,
        event: { type: 'UserRegistered', aggregateVersion: 1 },
      });
      const unsent = await auth.app
        .get(DataSource)
        .query('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
      expect(unsent).toEqual([{ n: 0 }]);
      await eventually(async () =>
        (await auth.app.get<Registry>(METRICS_REGISTRY).metrics()).includes('outbox_backlog{table="outbox"'),
      );
      expect(received).toHaveLength(1);
    } finally {
      await consumer.disconnect();
    }
  });

  it('is ready when Postgres, Redis and Kafka answer', async () => {
    const res = await auth.http().get('/health/ready').expect(200);
    expect(JSON.stringify(res.body)).toMatch(/postgres/);
  });
});
