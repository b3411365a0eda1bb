/**
 * An on-call agent's dead-letter triage over the gateway's MCP endpoint, printed as a transcript:
 * the steps the `triage-dead-letter-queue` prompt asks for, made with the official SDK's Client as
 * an admin. A scripted agent (no model): what it shows is what any MCP client gets, and the
 * transcript in docs/ai.md is its output.
 *
 *   npm run demo -- --poison 5 --seconds 10        # something to triage
 *   npm run demo:triage -- --admin-email ada@example.com --admin-password '...'
 *   npm run demo:triage -- ... --discard           # discards the largest group, confirmed
 *
 * Without --discard it only asks for a discard without confirm: true, which the gateway refuses
 * before anything reaches dlq-consumer. Loopback only, like the demo.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    gateway: { type: 'string', default: process.env['DEMO_GATEWAY_URL'] ?? 'http://127.0.0.1:3000' },
    'admin-email': { type: 'string', default: process.env['DEMO_ADMIN_EMAIL'] },
    'admin-password': { type: 'string', default: process.env['DEMO_ADMIN_PASSWORD'] },
    discard: { type: 'boolean', default: false },
  },
});
const gateway = new URL(args.gateway);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(gateway.hostname)) {
  throw new Error(`the triage demo talks to this machine only (loopback), not to ${gateway.hostname}`);
}
if (!args['admin-email'] || !args['admin-password']) {
  throw new Error(
    '--admin-email and --admin-password (or DEMO_ADMIN_EMAIL/_PASSWORD) of an admin are needed',
  );
}

interface ToolAnswer {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
}

/** One step of the transcript: what the agent sent, and the answer, cut to a readable length. */
function show(title: string, request: unknown, answer: unknown): void {
  console.log(`\n### ${title}\n`);
  console.log('```json');
  console.log(`> ${JSON.stringify(request)}`);
  const text = JSON.stringify(answer, null, 2);
  console.log(text.length > 2_400 ? `${text.slice(0, 2_400)}\n… (${text.length} characters in all)` : text);
  console.log('```');
}

async function signIn(): Promise<string> {
  const res = await fetch(new URL('/auth/login', gateway), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: args['admin-email'], password: args['admin-password'] }),
  });
  if (!res.ok) throw new Error(`sign-in refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function main(): Promise<void> {
  const token = await signIn();
  const client = new Client({ name: 'triage-demo', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', gateway), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  const call = async (
    name: string,
    toolArgs: Record<string, unknown> = {},
    shown: (result: Record<string, unknown>) => unknown = (result) => result,
  ) => {
    const answer = (await client.callTool({ name, arguments: toolArgs })) as ToolAnswer;
    const result = answer.structuredContent;
    show(`tools/call ${name}`, { name, arguments: toolArgs }, result ? shown(result) : answer.content);
    return answer;
  };
  console.log(`# Dead-letter triage over MCP (${new Date().toISOString()})`);
  const { tools } = await client.listTools();
  show('tools/list', {}, { count: tools.length, names: tools.map((t) => t.name) });
  const prompt = await client.getPrompt({ name: 'triage-dead-letter-queue' });
  show(
    'prompts/get triage-dead-letter-queue',
    {},
    prompt.messages.map((m) => m.content),
  );

  const groups = (await call('listDlqGroups')).structuredContent as {
    items: { fingerprint: string; count: number }[];
  };
  const top = groups.items[0];
  if (!top) {
    console.log('\nThe quarantine is empty: nothing to triage (npm run demo -- --poison 5 makes some).');
    await client.close();
    return;
  }
  const explanation = (await call('explainDlqGroup', { fingerprint: top.fingerprint })).structuredContent as {
    sample?: { id: string };
  };
  // Is the consumer that failed keeping up? Its lag, partitions summed.
  const entry = explanation.sample
    ? ((await call('getDlqMessage', { id: explanation.sample.id })).structuredContent as {
        consumerGroup?: string | null;
      })
    : undefined;
  await call('getConsumerLag', entry?.consumerGroup ? { group: entry.consumerGroup } : {}, (result) => ({
    ...result,
    groups: (result['groups'] as { groupId: string; totalLag: number; partitions: unknown[] }[]).map((g) => ({
      groupId: g.groupId,
      totalLag: g.totalLag,
      partitions: `${g.partitions.length} (left out here)`,
    })),
  }));
  const discard = { fingerprint: top.fingerprint, body: { reason: 'not an event: cannot ever be handled' } };
  await call('discardDlqGroup', discard);
  if (args.discard) await call('discardDlqGroup', { ...discard, confirm: true });
  await client.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
