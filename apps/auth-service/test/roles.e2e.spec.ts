import { JwtService } from '@nestjs/jwt';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GatewayIdentitySigner,
  identityPlugin,
  RevocationKeys,
  type CallerIdentity,
} from '@platform/identity';
import { uniqueName } from '@platform/testing';
import { DataSource } from 'typeorm';
import { AdminAlreadyExists, UserNotFound } from '../src/errors/auth.errors';
import { RoleAssignments } from '../src/roles/application/role-assignments';
import { startAuthApp, type AuthApp } from './auth-app.spec-helper';

const password = 'correct horse battery staple';
const signer = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);
let auth: AuthApp;
let admin: { userId: string; email: string };

beforeAll(async () => {
  auth = await startAuthApp();
  const email = await registered();
  const granted = await auth.app.get(RoleAssignments).bootstrapAdmin(email);
  admin = { userId: granted.id, email };
});
afterAll(() => auth?.close());

async function registered(): Promise<string> {
  const email = `${uniqueName('user')}@example.com`;
  await auth.http().post('/auth/register').send({ email, password }).expect(202);
  return email;
}

async function idOf(email: string): Promise<string> {
  const rows = (await auth.app.get(DataSource).query('SELECT id FROM users WHERE email = $1', [email])) as {
    id: string;
  }[];
  return rows[0]?.id ?? '';
}

/** As the gateway forwards it: the caller asserted in the gateway identity header. */
const as = (caller: CallerIdentity) => identityPlugin(signer, 'auth', caller);
const asAdmin = () => as({ userId: admin.userId, roles: ['customer', 'admin'] });
const setRoles = (userId: string, roles: string[], caller = asAdmin()) =>
  auth.http().put(`/users/${userId}/roles`).use(caller).send({ roles });

describe('roles', () => {
  it('refuses a second bootstrap once an admin exists, whatever the email', async () => {
    await expect(auth.app.get(RoleAssignments).bootstrapAdmin(await registered())).rejects.toBeInstanceOf(
      AdminAlreadyExists,
    );
    await expect(
      auth.app.get(RoleAssignments).bootstrapAdmin(`${uniqueName('nobody')}@example.com`),
    ).rejects.toBeInstanceOf(AdminAlreadyExists);
  });

  it('lets an admin set roles, records UserRolesChanged, and revokes the older tokens of that user', async () => {
    const email = await registered();
    const userId = await idOf(email);
    const before = (await auth.http().post('/auth/login').send({ email, password }).expect(200)).body;

    const res = await setRoles(userId, ['customer', 'staff']).expect(200);
    expect(res.body).toMatchObject({ id: userId, email, roles: ['customer', 'staff'] });
    const events = (await auth.app
      .get(DataSource)
      .query(`SELECT envelope FROM outbox WHERE aggregate_key = $1 AND event_type = 'UserRolesChanged'`, [
        userId,
      ])) as { envelope: { payload: unknown } }[];
    expect(events.map((e) => e.envelope.payload)).toEqual([
      expect.objectContaining({
        userId,
        roles: ['customer', 'staff'],
        previousRoles: ['customer'],
        changedBy: admin.userId,
      }),
    ]);

    const marker = Number(await auth.redis.get(RevocationKeys.user(userId)));
    expect(marker).toBeGreaterThan(Date.now() / 1000);
    expect(await auth.redis.ttl(RevocationKeys.user(userId))).toBeGreaterThan(
      auth.config.AUTH_ACCESS_TOKEN_TTL_SECONDS - 5,
    );
    await auth.http().get('/auth/me').set('authorization', `Bearer ${before.accessToken}`).expect(401);

    // A refresh reads the roles again, and its token is not taken for one from before the change.
    const refreshed = (
      await auth.http().post('/auth/refresh').send({ refreshToken: before.refreshToken }).expect(200)
    ).body;
    expect(new JwtService().decode(refreshed.accessToken)).toMatchObject({ roles: ['customer', 'staff'] });
    await auth.http().get('/auth/me').set('authorization', `Bearer ${refreshed.accessToken}`).expect(200);

    // A second change within the same second still refuses the token issued after the first.
    await setRoles(userId, ['customer']).expect(200);
    await auth.http().get('/auth/me').set('authorization', `Bearer ${refreshed.accessToken}`).expect(401);
    const again = (
      await auth.http().post('/auth/refresh').send({ refreshToken: refreshed.refreshToken }).expect(200)
    ).body;
    expect(new JwtService().decode(again.accessToken)).toMatchObject({ roles: ['customer'] });
    await auth.http().get('/auth/me').set('authorization', `Bearer ${again.accessToken}`).expect(200);
  });

  it('shows a user to an admin, and answers 404 for an unknown or malformed id', async () => {
    const userId = await idOf(await registered());
    expect((await auth.http().get(`/users/${userId}`).use(asAdmin()).expect(200)).body).toMatchObject({
      id: userId,
      roles: ['customer'],
    });
    await auth.http().get(`/users/${crypto.randomUUID()}`).use(asAdmin()).expect(404);
    const res = await auth.http().get('/users/not-a-uuid').use(asAdmin()).expect(404);
    expect(res.body.code).toBe(new UserNotFound('').code);
  });

  it('refuses a customer or staff member who tries to grant roles (403), and a caller the gateway did not send (401)', async () => {
    const userId = await idOf(await registered());
    const customer = await setRoles(
      userId,
      ['customer', 'admin'],
      as({ userId, roles: ['customer'] }),
    ).expect(403);
    expect(customer.body.code).toBe('AUTH.ADMIN_ONLY');
    await setRoles(userId, ['admin'], as({ userId, roles: ['customer', 'staff'] })).expect(403);
    await auth
      .http()
      .put(`/users/${userId}/roles`)
      .send({ roles: ['admin'] })
      .expect(401);
    expect((await auth.http().get(`/users/${userId}`).use(asAdmin()).expect(200)).body.roles).toEqual([
      'customer',
    ]);
  });

  it('refuses an admin removing its own admin role, so the last admin cannot lock everyone out', async () => {
    const res = await setRoles(admin.userId, ['customer']).expect(409);
    expect(res.body.code).toBe('AUTH.OWN_ADMIN_ROLE');
    await setRoles(admin.userId, ['customer', 'staff', 'admin']).expect(200);
  });

  it('refuses unknown or repeated roles with a 400 naming the field', async () => {
    const userId = await idOf(await registered());
    const res = await setRoles(userId, ['customer', 'root']).expect(400);
    expect(res.body.errors[0].path).toMatch(/^roles/);
    await setRoles(userId, ['staff', 'staff']).expect(400);
  });
});
