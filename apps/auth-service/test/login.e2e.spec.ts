import { uniqueName } from '@platform/testing';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../src/users/application/password-hasher';
import { scryptHash } from '../src/users/application/scrypt-hash';
import { startAuthApp, type AuthApp } from './auth-app.spec-helper';

const password = 'correct horse battery staple';
let auth: AuthApp;
let verifications: jest.SpyInstance;

beforeAll(async () => {
  auth = await startAuthApp({
    AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
    AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000',
  });
  // Counts the real verifications (the hasher still runs): the throttle must act before them.
  verifications = jest.spyOn(auth.app.get(PasswordHasher), 'verify');
});
afterAll(() => auth?.close());
beforeEach(() => verifications.mockClear());

const newEmail = () => `${uniqueName('user')}@example.com`;
const login = (email: string, pw = password) => auth.http().post('/auth/login').send({ email, password: pw });

async function registered(): Promise<string> {
  const email = newEmail();
  await auth.http().post('/auth/register').send({ email, password }).expect(202);
  return email;
}

async function storedHashOf(email: string): Promise<string> {
  const rows = (await auth.app
    .get(DataSource)
    .query('SELECT password_hash FROM users WHERE email = $1', [email])) as { password_hash: string }[];
  return rows[0]?.password_hash ?? '';
}

describe('login throttle (real Redis)', () => {
  it('checks at most 5 of 8 parallel wrong passwords against a limit of 5 and answers the rest 429', async () => {
    const email = await registered();
    const answers = await Promise.all(Array.from({ length: 8 }, () => login(email, 'wrong password!!')));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(verifications.mock.calls.length).toBeLessThanOrEqual(5);
    // Still refused with the right password: the account waits for its window.
    expect((await login(email)).status).toBe(429);
    expect(verifications.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it('counts attempts on unknown emails too, so they cannot be used to probe without limit', async () => {
    const email = newEmail();
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => login(email)))).map(
      (res) => res.status,
    );
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
  });
});

describe('login timing', () => {
  it('runs one argon2id verification for an unknown email, as for a wrong password', async () => {
    await login(newEmail()).expect(401);
    expect(verifications).toHaveBeenCalledTimes(1);
    expect(verifications.mock.calls[0]?.[1]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const email = await registered();
    verifications.mockClear();
    await login(email, 'wrong password!!').expect(401);
    expect(verifications).toHaveBeenCalledTimes(1);
  });
});

describe('password hashes', () => {
  it('stores new passwords as argon2id with the OWASP parameters', async () => {
    expect(await storedHashOf(await registered())).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('logs in with a scrypt hash from before argon2id and replaces it with argon2id at that login', async () => {
    const email = await registered();
    const legacy = await scryptHash(password, { N: 2 ** 15, r: 8, p: 1 });
    await auth.app
      .get(DataSource)
      .query('UPDATE users SET password_hash = $2 WHERE email = $1', [email, legacy]);

    await login(email, 'wrong password!!').expect(401);
    expect(await storedHashOf(email)).toBe(legacy);

    await login(email).expect(200);
    const rehashed = await storedHashOf(email);
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await login(email).expect(200);
    expect(await storedHashOf(email)).toBe(rehashed);
  });
});
