import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** What an HTTP answer holds for a tool result: its status, media type and body text. */
export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** The fields of a problem+json answer an agent acts on. */
export interface ToolProblem {
  status: number;
  code?: string;
  title: string;
  detail?: string;
  errors?: unknown;
  traceId?: string;
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json/i;

/**
 * The MCP result of a tool's REST answer: 2xx is the body (`structuredContent`, and as JSON text
 * for clients that only read text); anything else is a tool error (`isError`) carrying the
 * problem's status, code, title and detail, so the agent sees why and can correct its call
 * rather than the whole MCP request failing.
 */
export function toolResultOf(answer: HttpAnswer): CallToolResult {
  const parsed = parseJson(answer);
  if (answer.status >= 200 && answer.status < 300) {
    const structured = isRecord(parsed) ? parsed : { status: answer.status, value: parsed ?? null };
    return {
      content: [{ type: 'text', text: answer.body || JSON.stringify(structured) }],
      structuredContent: structured,
    };
  }
  const record = isRecord(parsed) ? parsed : {};
  return toolError({
    status: answer.status,
    code: stringOf(record['code']),
    title: stringOf(record['title']) ?? `HTTP ${answer.status}`,
    detail:
      stringOf(record['detail']) ??
      (parsed === undefined ? answer.body.slice(0, 500) || undefined : undefined),
    errors: record['errors'],
    traceId: stringOf(record['traceId']),
  });
}

/** A tool error an agent can read: one line of text, and the problem as structured content. */
export function toolError(problem: ToolProblem): CallToolResult {
  const fields = Object.fromEntries(
    Object.entries(problem).filter(([, value]) => value !== undefined),
  ) as Record<string, unknown>;
  const text = `${problem.status}${problem.code ? ` ${problem.code}` : ''} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`;
  return { isError: true, content: [{ type: 'text', text }], structuredContent: fields };
}

function parseJson(answer: HttpAnswer): unknown {
  if (!answer.body || !JSON_MEDIA.test(answer.contentType ?? '')) return undefined;
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
