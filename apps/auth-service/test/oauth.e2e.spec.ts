import { accessTokenClaimsSchema } from '@platform/identity';
import { uniqueName } from '@platform/testing';
import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { startAuthApp, type AuthApp } from './auth-app.spec-helper';

// The OAuth server in-process, on the real servers: metadata, dynamic registration, the
// authorization-code flow with PKCE through the sign-in page, and the tokens it ends with.
const password = 'correct horse battery staple';
const redirectUri = 'http://127.0.0.1:53682/callback';
let auth: AuthApp;
let issuer: string;

beforeAll(async () => {
  auth = await startAuthApp({ AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000' });
  issuer = auth.config.PUBLIC_URL;
});
afterAll(() => auth?.close());

/** The cookies a response sets, as a Cookie header for the next request (name=value only). */
function cookiesOf(res: Response, jar: Map<string, string> = new Map()): Map<string, string> {
  for (const line of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return jar;
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
/** A path on this app from a Location the provider gave: absolute ones are built from PUBLIC_URL. */
const pathOf = (location: string) => {
  const url = new URL(location, issuer);
  expect(url.origin).toBe(issuer);
  return `${url.pathname}${url.search}`;
};

async function registeredUser(): Promise<string> {
  const email = `${uniqueName('oauth')}@example.com`;
  await auth.http().post('/auth/register').send({ email, password }).expect(202);
  return email;
}

async function registeredClient(): Promise<string> {
  const res = await auth
    .http()
    .post('/oauth/register')
    .send({
      client_name: 'Test <MCP> client',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    })
    .expect(201);
  return (res.body as { client_id: string }).client_id;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Authorize up to the sign-in page: its path and the browser's cookies. */
async function startAuthorization(clientId: string, challenge: string | undefined) {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state: 'state-1',
    resource: `${issuer}/mcp`,
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
  });
  const res = await auth.http().get(`/oauth/authorize?${query}`);
  return { res, jar: cookiesOf(res) };
}

/** Posts the credentials on the sign-in page and follows the provider to the client's redirect. */
async function signIn(page: string, jar: Map<string, string>, email: string) {
  const posted = await auth
    .http()
    .post(page)
    .set('cookie', cookieHeader(jar))
    .type('form')
    .send({ email, password });
  expect(posted.status).toBe(303);
  cookiesOf(posted, jar);
  const resumed = await auth
    .http()
    .get(pathOf(posted.headers['location'] as string))
    .set('cookie', cookieHeader(jar));
  expect(resumed.status).toBe(303);
  return new URL(resumed.headers['location'] as string);
}

const exchange = (fields: Record<string, string>) =>
  auth.http().post('/oauth/token').type('form').send(fields);

describe('OAuth authorization server (in-process, real servers)', () => {
  it('publishes RFC 8414 metadata for public clients with PKCE S256', async () => {
    const res = await auth.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      registration_endpoint: `${issuer}/oauth/register`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['none'],
    });
  });

  it('serves nothing to a request that did not come through the gateway', async () => {
    await auth.direct().get('/.well-known/oauth-authorization-server').expect(401);
    await auth
      .direct()
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'authorization_code' })
      .expect(401);
  });

  it('signs a user in with the authorization code and PKCE, and the token works like a login token', async () => {
    const email = await registeredUser();
    const clientId = await registeredClient();
    const { verifier, challenge } = pkce();
    const { res, jar } = await startAuthorization(clientId, challenge);
    expect(res.status).toBe(303);
    const page = pathOf(res.headers['location'] as string);
    expect(page).toMatch(/^\/oauth\/interaction\//);

    const form = await auth.http().get(page).set('cookie', cookieHeader(jar)).expect(200);
    expect(form.text).toContain('Test &lt;MCP&gt; client');

    const wrong = await auth
      .http()
      .post(page)
      .set('cookie', cookieHeader(jar))
      .type('form')
      .send({ email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('The email or the password is wrong.');

    const callback = await signIn(page, jar, email);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe('state-1');
    const code = callback.searchParams.get('code') as string;

    const base = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId };
    const tokens = await exchange({ ...base, code_verifier: verifier }).expect(200);
    const body = tokens.body as {
      access_token: string;
      refresh_token: string;
      token_type: string;
      expires_in: number;
    };
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: auth.config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
    });
    const [header = '', payload = ''] = body.access_token.split('.');
    const claims = accessTokenClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString()));
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      typ: 'at+jwt',
    });
    expect(claims).toMatchObject({ iss: 'auth-service', client_id: clientId, roles: ['customer'] });
    expect(claims.aud).toEqual(['platform', `${issuer}/mcp`]);

    const me = await auth
      .http()
      .get('/auth/me')
      .set('authorization', `Bearer ${body.access_token}`)
      .expect(200);
    expect(me.body).toMatchObject({ email });

    // The refresh token rotates.
    const refresh = (token: string) =>
      exchange({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId });
    const refreshed = (await refresh(body.refresh_token).expect(200)).body as { refresh_token: string };
    expect(refreshed.refresh_token).not.toBe(body.refresh_token);

    // The code is single use: a second exchange revokes the grant, its tokens with it.
    await exchange({ ...base, code_verifier: verifier }).expect(400);
    await refresh(refreshed.refresh_token).expect(400);
    await auth.http().get('/auth/me').set('authorization', `Bearer ${body.access_token}`).expect(401);
  });

  it('refuses a code with the wrong verifier, and an authorization request without PKCE', async () => {
    const email = await registeredUser();
    const clientId = await registeredClient();
    const { challenge } = pkce();
    const { res, jar } = await startAuthorization(clientId, challenge);
    const callback = await signIn(pathOf(res.headers['location'] as string), jar, email);
    const refused = await exchange({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: pkce().verifier,
    }).expect(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });

    const withoutPkce = await startAuthorization(clientId, undefined);
    expect(withoutPkce.res.status).toBe(303);
    const answer = new URL(withoutPkce.res.headers['location'] as string);
    expect(answer.searchParams.get('error')).toBe('invalid_request');
    expect(answer.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('revokes the access tokens of a grant whose refresh token is revoked', async () => {
    const email = await registeredUser();
    const clientId = await registeredClient();
    const { verifier, challenge } = pkce();
    const { res, jar } = await startAuthorization(clientId, challenge);
    const callback = await signIn(pathOf(res.headers['location'] as string), jar, email);
    const tokens = (
      await exchange({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') as string,
        redirect_uri: redirectUri,
        client_id: clientId,
        code_verifier: verifier,
      }).expect(200)
    ).body as { access_token: string; refresh_token: string };
    await auth
      .http()
      .post('/oauth/revoke')
      .type('form')
      .send({ token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: clientId })
      .expect(200);
    await auth.http().get('/auth/me').set('authorization', `Bearer ${tokens.access_token}`).expect(401);
  });
});
