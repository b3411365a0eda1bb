/**
 * What api-gateway adds to a request, on this host, in one run:
 *   bash tools/bench/run.sh gateway [--rate 1000] [--seconds 15] [--connections 50]
 *
 * A tiny node:http upstream answering small JSON, and the built gateway as production runs it
 * (`node dist/apps/api-gateway/main.js`, build first: npx nx build api-gateway) in front of it,
 * with a JWKS and a signed token, real Redis (revocation check + rate limit, limit set high).
 * autocannon drives both at the same fixed rate, direct first, then through the gateway, and
 * the p50/p99 latency and achieved rate are printed side by side (goal: gateway adds <= 2 ms at
 * p99), with the gateway process's CPU time (user + system, /proc) over the measured requests
 * divided by their number (goal: <= 0.2 ms per proxied request), and written to
 * tmp/bench/gateway.json. A third row reads the same order as an MCP tool call (POST /mcp,
 * tools/call getOrder): what an agent pays over REST for the same answer, the gateway's own
 * REST call on loopback included. Reports, never asserts. The gateway's Redis keys
 * (rate limits) are under a prefix of the run (bench-names.ts), deleted at the end, also when the
 * run fails or is interrupted.
 */
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@platform/identity';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redisPrefix, servers } from './bench-stores';
import { startBuiltApp } from './built-app';
import { processCpuMs } from './process-cpu';
import {
  freePort,
  machine as describeMachine,
  parseArgs,
  runBench,
  writeReport,
  type BenchRun,
} from './harness';

const args = parseArgs(process.argv.slice(2), '--rate N --seconds N --connections N');
const RATE = args['rate'] ?? 1_000;
const SECONDS = args['seconds'] ?? 15;
const CONNECTIONS = args['connections'] ?? 50;
async function main({ names, teardown }: BenchRun): Promise<void> {
  const redis = new Redis(servers.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((err: Error) => {
    throw new Error(
      `Redis is not reachable at ${servers.redisUrl} (${err.message}): run npm run infra:up first`,
    );
  });
  redis.disconnect();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: names.run, alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const body = JSON.stringify({ id: 'order-1', status: 'placed', totalMinor: 4_990 });
  const upstream = await listen(
    createServer((req, res) => {
      // Drain whatever was sent, then answer: the cheapest realistic service.
      req.resume();
      req.on('end', () => {
        const payload = req.url === '/.well-known/jwks.json' ? jwks : body;
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        });
        res.end(payload);
      });
    }),
  );
  teardown.add('close the upstream', () => new Promise((resolve) => upstream.close(resolve)));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const token = await new SignJWT({ roles: ['customer'], sid: `sid-${names.run}` })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
    .setSubject(`user-${names.run}`)
    .setJti(`jti-${names.run}`)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

  const port = await freePort();
  const gateway = await startBuiltApp(
    'api-gateway',
    port,
    {
      GATEWAY_HTTP_PORT: String(port),
      REDIS_URL: servers.redisUrl,
      AUTH_SERVICE_URL: upstreamUrl,
      ORDER_SERVICE_URL: upstreamUrl,
      GATEWAY_RATE_LIMITS: 'standard=100000000/60,auth=1000/60,mcp=100000000/60',
      GATEWAY_RATE_LIMIT_PREFIX: redisPrefix(teardown, names.redisPrefix('rl')),
    },
    { teardown, inheritStderr: true },
  );
  const headers = { authorization: `Bearer ${token}` };
  console.log(
    `warming up (3 s each), then ${SECONDS} s per target at ${RATE} req/s, ${CONNECTIONS} connections`,
  );
  await load(`${upstreamUrl}/orders/1`, headers, 3);
  await load(`${gateway.url}/orders/1`, headers, 3);
  await expectToolAnswers(`${gateway.url}/mcp`, headers);
  await load(`${gateway.url}/mcp`, headers, 3, MCP_GET_ORDER);
  const direct = await load(`${upstreamUrl}/orders/1`, headers, SECONDS);
  const cpuBefore = processCpuMs(gateway.pid);
  const through = await load(`${gateway.url}/orders/1`, headers, SECONDS);
  const cpuMsPerRequest = (processCpuMs(gateway.pid) - cpuBefore) / through.total;
  const mcpCpuBefore = processCpuMs(gateway.pid);
  const mcp = await load(`${gateway.url}/mcp`, headers, SECONDS, MCP_GET_ORDER);
  const mcpCpuMsPerCall = (processCpuMs(gateway.pid) - mcpCpuBefore) / mcp.total;
  report(direct, through, cpuMsPerRequest, mcp, mcpCpuMsPerCall);
}

/**
 * The REST read above as an agent makes it: one JSON-RPC tools/call on the stateless endpoint (no
 * initialize first: a stateless server answers any request on its own).
 */
const MCP_GET_ORDER = {
  method: 'POST' as const,
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'getOrder', arguments: { id: '1' } },
  }),
};

/** A tool error is a 200 too: make sure the measured calls are answers, not refusals. */
async function expectToolAnswers(url: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...MCP_GET_ORDER.headers },
    body: MCP_GET_ORDER.body,
  });
  const text = await res.text();
  const answer = JSON.parse(text) as { result?: { isError?: boolean } };
  if (res.status !== 200 || !answer.result || answer.result.isError) {
    throw new Error(`the MCP tool call is refused (${res.status}): ${text.slice(0, 500)}`);
  }
}

async function load(
  url: string,
  headers: Record<string, string>,
  duration: number,
  post?: typeof MCP_GET_ORDER,
) {
  const result = await autocannon({
    url,
    headers: { ...headers, ...post?.headers },
    method: post?.method ?? 'GET',
    body: post?.body,
    duration,
    connections: CONNECTIONS,
    overallRate: RATE,
  });
  return {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    perSecond: result.requests.total / result.duration,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

type Load = Awaited<ReturnType<typeof load>>;

function report(
  direct: Load,
  through: Load,
  cpuMsPerRequest: number,
  mcp: Load,
  mcpCpuMsPerCall: number,
): void {
  const machine = describeMachine();
  const addedP99 = through.p99 - direct.p99;
  const row = (name: string, l: Load) =>
    `| ${name.padEnd(15)} | ${String(l.p50).padStart(8)} | ${String(l.p90).padStart(8)} | ${String(l.p99).padStart(8)} | ${String(l.max).padStart(8)} | ${l.perSecond.toFixed(0).padStart(7)} | ${String(l.non2xx + l.errors).padStart(6)} |`;
  console.log(`
api-gateway overhead at ${RATE} req/s for ${SECONDS} s (JWT RS256 + revocation check + rate limit + proxy)
machine: ${machine}

| target          | p50 ms   | p90 ms   | p99 ms   | max ms   | req/s   | errors |
| --------------- | -------- | -------- | -------- | -------- | ------- | ------ |
${row('direct', direct)}
${row('through gateway', through)}
${row('MCP tool call', mcp)}

p99 added by the gateway: ${addedP99.toFixed(2)} ms (goal <= 2 ms); p50 added: ${(through.p50 - direct.p50).toFixed(2)} ms
gateway CPU per proxied request: ${cpuMsPerRequest.toFixed(3)} ms (goal <= 0.2 ms; its process's user + system time / requests)
MCP read tool call vs the same REST call: p99 ${mcp.p99} vs ${through.p99} ms (${ratio(mcp.p99, through.p99)}), p50 ${mcp.p50} vs ${through.p50} ms; gateway CPU ${mcpCpuMsPerCall.toFixed(3)} ms per call (${ratio(mcpCpuMsPerCall, cpuMsPerRequest)} of REST's)`);
  writeReport('gateway', {
    machine,
    rate: RATE,
    seconds: SECONDS,
    connections: CONNECTIONS,
    direct,
    gateway: through,
    addedP99Ms: addedP99,
    cpuMsPerRequest,
    mcp,
    mcpCpuMsPerCall,
    mcpP99Ratio: mcp.p99 / through.p99,
  });
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a';
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

runBench('gateway', main);
