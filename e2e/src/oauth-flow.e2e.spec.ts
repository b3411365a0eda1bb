import { auth as mcpAuth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { form, InMemoryOAuthClient, TestBrowser } from './oauth.spec-helper';
import { freePort, startApp, type RunningApp } from './system.spec-helper';

// An OAuth client (an MCP client, say) signs a user in through the gateway, across the real
// processes: RFC 8414 metadata, dynamic registration, authorization code with PKCE S256 through
// auth-service's sign-in page, the token exchange, and the token at work on a protected route.
describe('OAuth sign-in through the gateway (built apps, real servers)', () => {
  const database = uniqueName('e2e_oauth');
  const databaseUrl = infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${database}`);
  const redirectUri = 'http://127.0.0.1:53682/callback';
  const password = 'correct horse battery staple';
  let auth: RunningApp;
  let gateway: RunningApp;
  let issuer: string;

  beforeAll(async () => {
    const [authPort, gatewayPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${gatewayPort}`;
    browser = new TestBrowser(issuer);
    auth = await startApp('auth-service', authPort, {
      AUTH_HTTP_PORT: String(authPort),
      AUTH_DATABASE_URL: databaseUrl,
      AUTH_THROTTLE_KEY_PREFIX: uniqueName('e2e_throttle'),
      PUBLIC_URL: issuer,
    });
    gateway = await startApp('api-gateway', gatewayPort, {
      GATEWAY_HTTP_PORT: String(gatewayPort),
      AUTH_SERVICE_URL: auth.url,
      PUBLIC_URL: issuer,
      GATEWAY_RATE_LIMIT_PREFIX: `${uniqueName('e2e_rl')}:`,
      // One client drives the whole flow from one address: more than 20 sign-in requests a minute.
      GATEWAY_RATE_LIMITS: 'standard=600/60,auth=200/60',
    });
  });

  afterAll(async () => {
    const codes = await Promise.all([gateway?.stop(), auth?.stop()]);
    const admin = new Client({ connectionString: infraEnv.postgresUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    expect(codes).toEqual([0, 0]);
  });

  /** The user's browser, across the tests: one cookie jar, as one browser would have. */
  let browser: TestBrowser;
  const browse = (url: string, init?: RequestInit) => browser.browse(url, init);
  const location = (res: Response) => browser.location(res);

  it('signs a user in with the authorization code and PKCE, and the token works at the gateway', async () => {
    // 1. The client discovers the authorization server (RFC 8414).
    const metadata = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    expect(metadata.status).toBe(200);
    const server = (await metadata.json()) as Record<string, unknown>;
    expect(server).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      registration_endpoint: `${issuer}/oauth/register`,
      code_challenge_methods_supported: ['S256'],
    });

    // A user with an account.
    const email = await registeredUser();

    // 2. The client registers itself: public, a loopback redirect URI (RFC 7591).
    const registration = await fetch(server['registration_endpoint'] as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'e2e MCP client',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(registration.status).toBe(201);
    const { client_id: clientId } = (await registration.json()) as { client_id: string };

    // 3. Without PKCE the request is refused, back at the client.
    const authorize = (extra: Record<string, string>) =>
      `${server['authorization_endpoint'] as string}?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        state: 'e2e-state',
        resource: `${issuer}/mcp`,
        ...extra,
      })}`;
    const withoutPkce = location(await browse(authorize({})));
    expect(`${withoutPkce.origin}${withoutPkce.pathname}`).toBe(redirectUri);
    expect(withoutPkce.searchParams.get('error')).toBe('invalid_request');

    // 4. With PKCE S256 the browser is sent to the sign-in page, which names the client.
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const started = await browse(authorize({ code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(started.status).toBe(303);
    const page = location(started);
    expect(page.pathname).toMatch(/^\/oauth\/interaction\/[\w-]+$/);
    const shown = await browse(page.href);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('e2e MCP client');

    // 5. A wrong password shows the form again, with the error.
    const wrong = await browse(page.href, form({ email, password: 'not the password at all' }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The email or the password is wrong.');

    // 6. The right one sends the browser back to the client with a code (not followed).
    const signedIn = await browse(page.href, form({ email, password }));
    expect(signedIn.status).toBe(303);
    const resumed = await browse(location(signedIn).href);
    expect(resumed.status).toBe(303);
    const callback = location(resumed);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe('e2e-state');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const code = callback.searchParams.get('code') as string;

    // 7. The code for tokens: refused with another verifier, granted with the right one.
    const exchange = (codeVerifier: string) =>
      fetch(server['token_endpoint'] as string, {
        ...form({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: clientId,
          code_verifier: codeVerifier,
        }),
      });
    const refused = await exchange(randomBytes(32).toString('base64url'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
    const granted = await exchange(verifier);
    expect(granted.status).toBe(200);
    const tokens = (await granted.json()) as {
      access_token: string;
      refresh_token: string;
      token_type: string;
    };
    expect(tokens.token_type).toBe('Bearer');
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: 'auth-service', client_id: clientId, roles: ['customer'] });
    expect(claims['aud']).toEqual(['platform', `${issuer}/mcp`]);

    // 8. The gateway takes the token as it takes a login's.
    const me = await fetch(`${issuer}/auth/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email });

    // 9. Signing out with it ends the grant's session at the gateway, as for a login's token.
    const logout = await fetch(`${issuer}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(logout.status).toBe(204);
    await eventually(
      async () =>
        expect(
          (await fetch(`${issuer}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }))
            .status,
        ).toBe(401),
      { timeoutMs: 2_000, intervalMs: 50 },
    );
  });
  it("lets the MCP SDK's auth() sign a user in: discovery, registration, PKCE and the code exchange", async () => {
    // Another user, in the browser the first test signed in with: asked for the password again.
    const email = await registeredUser();
    const client = new InMemoryOAuthClient(redirectUri);
    const serverUrl = `${issuer}/mcp`;

    // Discovery (the gateway's protected-resource metadata names the authorization server),
    // registration, and the authorization URL handed to the "browser".
    expect(await mcpAuth(client, { serverUrl })).toBe('REDIRECT');
    const authorizationUrl = client.authorizationUrl as URL;
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(serverUrl);

    const callback = await browser.signIn(authorizationUrl.href, email, password);
    const code = callback.searchParams.get('code') as string;
    expect(await mcpAuth(client, { serverUrl, authorizationCode: code })).toBe('AUTHORIZED');

    const accessToken = client.tokens()?.access_token as string;
    const me = await fetch(`${issuer}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email });
  });

  async function registeredUser(): Promise<string> {
    const email = `${uniqueName('agent_user')}@example.com`;
    const registered = await fetch(`${issuer}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(registered.status).toBe(202);
    return email;
  }
});
