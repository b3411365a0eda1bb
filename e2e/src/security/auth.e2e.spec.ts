import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { randomBytes, scrypt } from 'node:crypto';
import { Client } from 'pg';
import { runAppCommand } from '../system.spec-helper';
import { startSystem, type RunningSystem, type User } from '../whole-system.spec-helper';

// The rules of identity, each tried as an attacker would, through the gateway of the six built
// apps on the real servers. Every test here failed before its fix (issue 16).
const password = 'correct horse battery staple';
const selfMadeAdmin = `${uniqueName('self-made-admin')}@example.com`;

describe('security: identity (built apps through the gateway, real servers)', () => {
  let system: RunningSystem;
  let admin: User;
  let authDb: Client;

  beforeAll(async () => {
    system = await startSystem({
      // Only the rules under test limit these calls: not the gateway's rate limits, not the
      // per-IP login throttle (every call here comes from one address).
      GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=1000000/60',
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000000',
      // What granted admin at registration before; it must be ignored now.
      AUTH_ADMIN_EMAILS: selfMadeAdmin,
    });
    admin = await system.signInAdmin();
    authDb = new Client({
      connectionString: infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${system.stores.auth}`),
    });
    await authDb.connect();
  }, 180_000);

  afterAll(async () => {
    await authDb?.end();
    await system?.stop();
  });

  const post = (path: string, body: unknown, token?: string) =>
    system.call(path, { method: 'POST', body, ...(token ? { token } : {}) });
  const register = (body: Record<string, unknown>) => post('/auth/register', { password, ...body });
  const login = (email: string, pw = password) => post('/auth/login', { email, password: pw });
  const newEmail = () => `${uniqueName('user')}@example.com`;

  async function signIn(email: string): Promise<User> {
    const res = await login(email);
    expect(res.status).toBe(200);
    const { accessToken } = (await res.json()) as { accessToken: string };
    const me = (await (await system.call('/auth/me', { token: accessToken })).json()) as { id: string };
    return { email, password, token: accessToken, userId: me.id };
  }

  const setRoles = (userId: string, roles: string[], token = admin.token) =>
    system.call(`/users/${userId}/roles`, { method: 'PUT', token, body: { roles } });
  /** An admin-only route of the gateway: 200 with the admin role, 403 without, 401 for a refused token. */
  const adminRoute = (user: User) => system.call(`/users/${user.userId}`, { token: user.token });

  it('throttles parallel wrong passwords at the limit: of 8 against a limit of 5, at least 3 are refused unchecked', async () => {
    const email = newEmail();
    expect((await register({ email })).status).toBe(202);
    const statuses = (
      await Promise.all(Array.from({ length: 8 }, () => login(email, 'wrong password!!')))
    ).map((res) => res.status);
    // Each 401 is one password checked; a 429 is refused before any check.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
    expect((await login(email)).status).toBe(429);
  });

  it('answers registration of a known email exactly like a new one, and emails the owner instead', async () => {
    const email = newEmail();
    expect((await register({ email })).status).toBe(202);
    const owner = await signIn(email);

    const known = await register({
      email: email.toUpperCase(),
      password: 'an attacker password',
      displayName: 'Eve',
    });
    const fresh = await register({ email: newEmail() });
    expect(known.status).toBe(202);
    expect({
      status: known.status,
      type: known.headers.get('content-type'),
      body: await known.json(),
    }).toEqual({
      status: fresh.status,
      type: fresh.headers.get('content-type'),
      body: await fresh.json(),
    });

    // Nothing changed in the account: the owner's password still works, the attacker's does not.
    expect((await login(email, 'an attacker password')).status).toBe(401);
    expect((await login(email)).status).toBe(200);
    const me = (await (await system.call('/auth/me', { token: owner.token })).json()) as {
      displayName: string | null;
    };
    expect(me.displayName).toBeNull();
    await eventually(
      async () => {
        const inbox = (await (await system.call('/notifications', { token: owner.token })).json()) as {
          items: { template: string; channel: string }[];
        };
        expect(inbox.items.map((item) => item.template)).toContain('registration-attempted');
      },
      { timeoutMs: 30_000 },
    );
  });

  it('never grants admin at self-registration, not even to an address once listed in AUTH_ADMIN_EMAILS', async () => {
    expect((await register({ email: selfMadeAdmin })).status).toBe(202);
    const user = await signIn(selfMadeAdmin);
    const me = (await (await system.call('/auth/me', { token: user.token })).json()) as { roles: string[] };
    expect(me.roles).toEqual(['customer']);
    expect((await adminRoute(user)).status).toBe(403);
  });

  it('refuses a second bootstrap-admin once an admin exists (exit code 1), and grants nothing', async () => {
    const email = newEmail();
    expect((await register({ email })).status).toBe(202);
    const run = await runAppCommand('auth-service', ['bootstrap-admin', email], {
      AUTH_DATABASE_URL: infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${system.stores.auth}`),
    });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/an admin exists already/);
    expect((await adminRoute(await signIn(email))).status).toBe(403);
  });

  it('puts a role granted by an admin in force at the gateway within a second, and refuses a revoked one within a second', async () => {
    const email = newEmail();
    expect((await register({ email })).status).toBe(202);
    const before = await signIn(email);
    expect((await adminRoute(before)).status).toBe(403);

    expect((await setRoles(before.userId, ['customer', 'admin'])).status).toBe(200);
    // The token from before carries the old roles: refused, so that the client signs in again.
    await eventually(async () => expect((await adminRoute(before)).status).toBe(401), {
      timeoutMs: 1_000,
      intervalMs: 50,
    });
    const granted = await signIn(email);
    expect((await adminRoute(granted)).status).toBe(200);

    expect((await setRoles(before.userId, ['customer'])).status).toBe(200);
    await eventually(async () => expect((await adminRoute(granted)).status).toBe(401), {
      timeoutMs: 1_000,
      intervalMs: 50,
    });
    expect((await adminRoute(await signIn(email))).status).toBe(403);
  });

  it('refuses a customer who tries to grant roles, to others or to itself (403)', async () => {
    const email = newEmail();
    expect((await register({ email })).status).toBe(202);
    const customer = await signIn(email);
    const self = await setRoles(customer.userId, ['customer', 'admin'], customer.token);
    expect(self.status).toBe(403);
    expect((await setRoles(admin.userId, ['customer'], customer.token)).status).toBe(403);
    const me = (await (await system.call('/auth/me', { token: customer.token })).json()) as {
      roles: string[];
    };
    expect(me.roles).toEqual(['customer']);
  });

  describe('refuses ill-formed text in every auth text field with a 400 naming the field, never a 5xx', () => {
    const NUL = String.fromCharCode(0);
    const values: Record<string, string> = {
      'a lone UTF-16 surrogate': 'abc\ud800defghijklm',
      NUL: `abc${NUL}defghijklm`,
      'an RTL override': 'abc\u202edefghijklm',
      emoji: '🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑',
      '100 kB': 'x'.repeat(100_000),
    };
    // What each field accepts: emoji make a display name or a password, never an email; a
    // password is the user's own choice apart from being encodable and of 12..128 code points.
    const acceptable: Record<string, string[]> = {
      email: [],
      displayName: ['emoji'],
      password: ['NUL', 'an RTL override', 'emoji'],
    };

    async function answer(route: 'register' | 'login', field: string, value: string) {
      const body = {
        email: newEmail(),
        password,
        [field]: field === 'email' ? `${value}@example.com` : value,
      };
      const res = await post(`/auth/${route}`, body);
      const json = (await res.json().catch(() => ({}))) as { errors?: { path: string }[] };
      return { status: res.status, fields: (json.errors ?? []).map((error) => error.path) };
    }

    for (const [route, fields] of [
      ['register', ['email', 'password', 'displayName']],
      ['login', ['email', 'password']],
    ] as const) {
      for (const field of fields) {
        it(`${route}: ${field}`, async () => {
          for (const [name, value] of Object.entries(values)) {
            const { status, fields: named } = await answer(route, field, value);
            const outcome = { value: name, status, named };
            if (acceptable[field]?.includes(name)) {
              // Accepted as text: registered (202), or an unknown account (401).
              expect(outcome).toEqual({ value: name, status: route === 'register' ? 202 : 401, named: [] });
            } else {
              expect(outcome).toEqual({ value: name, status: 400, named: [field] });
            }
          }
        });
      }
    }
  });

  it('rehashes an old scrypt hash to argon2id at the next successful login', async () => {
    const email = newEmail();
    expect((await register({ email })).status).toBe(202);
    const legacy = await scryptHashAsBefore(password);
    await authDb.query('UPDATE users SET password_hash = $2 WHERE email = $1', [email, legacy]);

    expect((await login(email)).status).toBe(200);
    const [row] = (await authDb.query('SELECT password_hash FROM users WHERE email = $1', [email])).rows as {
      password_hash: string;
    }[];
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await login(email)).status).toBe(200);
  });
});

/** A hash as auth-service stored it before argon2id: `scrypt$N$r$p$salt$hash`, N = 2^15, NFKC. */
async function scryptHashAsBefore(plain: string): Promise<string> {
  const [N, r, p] = [2 ** 15, 8, 1];
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(plain.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 256 * N * r }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}
