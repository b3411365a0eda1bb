import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { eventually, infraEnv } from '@platform/testing';
import { createPrivateKey, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client as Postgres } from 'pg';
import { InMemoryOAuthClient, TestBrowser } from './oauth.spec-helper';
import { type DlqEntryDetail, quarantinePoison } from './quarantine.spec-helper';
import { startSystem, type RunningSystem, type User } from './whole-system.spec-helper';

/** The trace backend (Jaeger, started by `npm run infra:up`), as whole-system.e2e.spec.ts uses it. */
const otlpEndpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || 'http://127.0.0.1:4318';
const jaegerUrl = process.env['JAEGER_QUERY_URL'] || 'http://127.0.0.1:16686';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
};

// An agent on the gateway's MCP endpoint, across the six built apps: it signs in as a user
// (tokens from /auth/login, sent as Authorization on every request), sees the tools its roles
// allow, and each tool call is the REST call with the same checks, in one trace with its upstream.
describe('the MCP endpoint of the gateway (six built apps, real servers)', () => {
  let system: RunningSystem;
  let admin: User;
  let ada: User;
  let producer: Producer;

  beforeAll(async () => {
    system = await startSystem({
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
      // Sign-ins by password and by OAuth, all from this one address within a minute.
      GATEWAY_RATE_LIMITS: 'standard=600/60,auth=200/60',
    });
    [admin, ada] = await Promise.all([system.register({ roles: ['customer', 'admin'] }), system.register()]);
    producer = new Kafka({
      clientId: 'e2e-mcp',
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    const codes = await system?.stop();
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  });

  /** An SDK client signed in with `token`; extra headers (a traceparent) go on every request. */
  const connect = async (token: string, headers: Record<string, string> = {}) => {
    const client = new McpClient({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${system.gateway.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
      }),
    );
    return client;
  };
  const toolNames = async (token: string) => {
    const client = await connect(token);
    const { tools } = await client.listTools();
    await client.close();
    return tools.map((tool) => tool.name);
  };
  const postInitialize = (authorization?: string) =>
    fetch(`${system.gateway.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify(INITIALIZE),
    });
  const metadataUrl = () => `${system.gateway.url}/.well-known/oauth-protected-resource/mcp`;

  it('serves its protected-resource metadata and points an unauthenticated request at it', async () => {
    const metadata = await fetch(`${system.gateway.url}/.well-known/oauth-protected-resource/mcp`);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({
      resource: `${system.gateway.url}/mcp`,
      authorization_servers: [system.gateway.url],
      bearer_methods_supported: ['header'],
    });
    const anonymous = await postInitialize();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl()}"`);
    // Stateless: no session to resume or delete.
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${system.gateway.url}/mcp`, {
        method,
        headers: { authorization: `Bearer ${ada.token}` },
      });
      expect(res.status).toBe(405);
    }
  });

  it('lists each caller the tools its roles may call', async () => {
    const [customerTools, adminTools] = await Promise.all([toolNames(ada.token), toolNames(admin.token)]);
    expect(customerTools).toEqual(
      expect.arrayContaining(['placeOrder', 'listOrders', 'getOrder', 'cancelOrder']),
    );
    expect(customerTools).not.toEqual(expect.arrayContaining(['listDlqGroups']));
    expect(customerTools.filter((name) => /Dlq|User|saveProduct|confirmOrder/.test(name))).toEqual([]);
    expect(adminTools).toEqual(
      expect.arrayContaining([
        'listDlqGroups',
        'explainDlqGroup',
        'getConsumerLag',
        'replayDlqMessage',
        'discardDlqGroup',
        'saveProduct',
        'getUser',
      ]),
    );
  });

  it('places an order through a tool, as REST sees it, and refuses a customer an admin tool', async () => {
    const client = await connect(ada.token);
    const placed = (await client.callTool({
      name: 'placeOrder',
      arguments: { body: { lines: [{ sku: 'BOOK-1', quantity: 2 }] } },
    })) as CallToolResult;
    expect(placed.isError).toBeFalsy();
    const { id } = placed.structuredContent as { id: string };
    const rest = await system.call(`/orders/${id}`, { token: ada.token });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({
      id,
      status: 'placed',
      lines: [{ sku: 'BOOK-1', quantity: 2 }],
    });

    const problem = (await client.callTool({
      name: 'placeOrder',
      arguments: { body: { lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] } },
    })) as CallToolResult;
    expect(problem).toMatchObject({
      isError: true,
      structuredContent: { status: 422, code: 'ORDER.UNKNOWN_SKU' },
    });

    const refused = (await client.callTool({ name: 'listDlqGroups', arguments: {} })) as CallToolResult;
    expect(refused).toMatchObject({
      isError: true,
      structuredContent: { status: 403, code: 'GATEWAY.FORBIDDEN' },
    });
    await client.close();
  });

  it('refuses a replay without confirm: true before it reaches dlq-consumer', async () => {
    const dlqPosts = async () => {
      const text = await (await fetch(`${system.apps['dlq-consumer'].metricsUrl}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('http_requests_total{') && line.includes('method="POST"'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    };
    const client = await connect(admin.token);
    const before = await dlqPosts();
    const unconfirmed = (await client.callTool({
      name: 'replayDlqMessage',
      arguments: { id: 'order.events:0:1@nobody' },
    })) as CallToolResult;
    expect(unconfirmed).toMatchObject({
      isError: true,
      structuredContent: { code: 'MCP.CONFIRMATION_REQUIRED' },
    });
    expect(await dlqPosts()).toBe(before);
    // Confirmed, the same call goes through to dlq-consumer, which knows no such entry.
    const confirmed = (await client.callTool({
      name: 'replayDlqMessage',
      arguments: { id: 'order.events:0:1@nobody', confirm: true },
    })) as CallToolResult;
    expect(confirmed).toMatchObject({
      isError: true,
      structuredContent: { status: 404, code: 'DLQ.NOT_FOUND' },
    });
    expect(await dlqPosts()).toBe(before + 1);
    await client.close();
  });

  it('signs an agent in by OAuth from the 401 alone, and audits its confirmed replay with its client id', async () => {
    const { entries } = await quarantinePoison(
      system,
      producer,
      admin.token,
      'not an envelope: for an agent',
    );
    const id = (entries[0] as { id: string }).id;
    const url = new URL(`${system.gateway.url}/mcp`);
    const oauth = new InMemoryOAuthClient('http://127.0.0.1:53682/callback', 'e2e on-call agent');
    // No token yet: the SDK's transport follows the 401 to the protected-resource metadata, finds
    // the authorization server, registers itself and hands the user's browser the sign-in URL.
    const unsigned = new StreamableHTTPClientTransport(url, { authProvider: oauth });
    await expect(new McpClient({ name: 'e2e-oncall', version: '1.0.0' }).connect(unsigned)).rejects.toThrow(
      UnauthorizedError,
    );
    const authorizationUrl = oauth.authorizationUrl as URL;
    expect(authorizationUrl.searchParams.get('resource')).toBe(url.href);
    const callback = await new TestBrowser(system.gateway.url).signIn(
      authorizationUrl.href,
      admin.email,
      admin.password,
    );
    await unsigned.finishAuth(callback.searchParams.get('code') as string);
    const clientId = oauth.clientInformation()?.client_id as string;
    expect(clientId).toBeTruthy();

    const agent = new McpClient({ name: 'e2e-oncall', version: '1.0.0' });
    await agent.connect(new StreamableHTTPClientTransport(url, { authProvider: oauth }));
    const { tools } = await agent.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['replayDlqMessage']));
    const replayed = (await agent.callTool({
      name: 'replayDlqMessage',
      arguments: { id, confirm: true },
    })) as CallToolResult;
    expect(replayed.isError).toBeFalsy();
    await agent.close();

    // The entry's history names the user and the OAuth client the agent signed in as.
    const res = await system.call(`/admin/dlq/messages/${encodeURIComponent(id)}`, { token: admin.token });
    expect(res.status).toBe(200);
    const entry = (await res.json()) as DlqEntryDetail;
    expect(entry.history).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'replayed', by: admin.userId, clientId })]),
    );
  });

  it('refuses expired, forged and revoked tokens with 401 and the metadata pointer', async () => {
    const expectRefused = async (token: string) => {
      const res = await postInitialize(`Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="${metadataUrl()}", error="invalid_token"`,
      );
    };
    const now = Math.floor(Date.now() / 1000);
    const signingKey = await authSigningKey(system, ada.token);
    await expectRefused(resign(ada.token, signingKey, { iat: now - 3_600, exp: now - 1_800 }));
    const { privateKey: stranger } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(resign(ada.token, stranger, {}));

    const user = await system.register();
    expect((await postInitialize(`Bearer ${user.token}`)).status).toBe(200);
    const logout = await system.call('/auth/logout', { method: 'POST', token: user.token, body: {} });
    expect(logout.status).toBe(204);
    await eventually(() => expectRefused(user.token), { timeoutMs: 2_000, intervalMs: 100 });
  });

  it('traces a tool call and its REST call to the upstream in one trace, and meters it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const client = await connect(ada.token, {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    const listed = (await client.callTool({ name: 'listOrders', arguments: { limit: 5 } })) as CallToolResult;
    expect(listed.isError).toBeFalsy();
    await client.close();
    type JaegerTrace = {
      spans: { operationName: string; processID: string }[];
      processes: Record<string, { serviceName: string }>;
    };
    await eventually(
      async () => {
        const res = await fetch(`${jaegerUrl}/api/traces/${traceId}`);
        expect(res.status).toBe(200);
        const [trace] = ((await res.json()) as { data: JaegerTrace[] }).data;
        const spans = (trace?.spans ?? []).map(
          (span) => `${trace?.processes[span.processID]?.serviceName} ${span.operationName}`,
        );
        expect(spans).toEqual(expect.arrayContaining(['api-gateway tools/call listOrders']));
        expect(spans.some((span) => span.startsWith('order-service '))).toBe(true);
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const metrics = (await (await fetch(`${system.gateway.metricsUrl}/metrics`)).text()).split('\n');
    const sample = (name: string, ...labels: string[]) =>
      Number(
        metrics
          .find((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)))
          ?.split(' ')
          .pop(),
      );
    expect(sample('gateway_mcp_tool_calls_total', 'tool="listOrders"', 'outcome="ok"')).toBeGreaterThan(0);
    expect(sample('gateway_mcp_tool_duration_seconds_count', 'tool="listOrders"')).toBeGreaterThan(0);
  });
});

/** The private key auth-service signs `token` with, read from this run's auth database. */
async function authSigningKey(system: RunningSystem, token: string): Promise<KeyObject> {
  const { kid } = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as {
    kid: string;
  };
  const pg = new Postgres({
    connectionString: infraEnv.postgresUrl.replace(/\/[^/]*$/, `/${system.stores.auth}`),
  });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ private_pem: string }>(
      'SELECT private_pem FROM signing_keys WHERE kid = $1',
      [kid],
    );
    return createPrivateKey(rows[0]?.private_pem as string);
  } finally {
    await pg.end();
  }
}

/** `token` with `claims` changed, signed RS256 by `key` under the token's own kid. */
function resign(token: string, key: KeyObject, claims: Record<string, unknown>): string {
  const [header, payload] = token.split('.') as [string, string];
  const changed = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), ...claims };
  const input = `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}
