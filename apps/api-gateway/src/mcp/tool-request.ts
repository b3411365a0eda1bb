import { isWellFormedText } from '@platform/contracts';
import { randomUUID } from 'node:crypto';
import { HEADER_ARGUMENTS, type McpTool } from './tool-catalog';

/** The REST request a tool call becomes. */
export interface ToolRequest {
  method: string;
  /** Path and query, as the gateway routes it. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Arguments a tool cannot turn into a request; the agent is told why, nothing is sent. */
export class ToolArgumentError extends Error {
  override readonly name = 'ToolArgumentError';
}

/**
 * Builds the REST request of a tool call from its arguments: path parameters (URL-encoded), query,
 * JSON body, Idempotency-Key and If-Match. The service validates the values, as for any REST
 * client; this only checks what would otherwise make a different request (an unknown argument, a
 * missing path parameter, an object in the query). A write that takes an Idempotency-Key gets one
 * when the agent gave none, so that the gateway's and the agent's retries cannot place it twice.
 */
export function toolRequestOf(tool: McpTool, args: Readonly<Record<string, unknown>> = {}): ToolRequest {
  const { operation } = tool;
  for (const name of Object.keys(args)) {
    if (!(name in tool.arguments)) {
      throw new ToolArgumentError(
        `unknown argument ${name}; ${tool.name} takes ${Object.keys(tool.arguments).join(', ') || 'none'}`,
      );
    }
  }
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = args[name];
    if ((typeof value !== 'string' || value === '') && typeof value !== 'number') {
      throw new ToolArgumentError(`${name} is required (a non-empty string)`);
    }
    return encodeURIComponent(wellFormed(name, String(value)));
  });
  const query = new URLSearchParams();
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, place] of Object.entries(tool.arguments)) {
    const value = args[name];
    if (value === undefined || value === null) continue;
    if (place === 'query') query.set(name, scalar(name, value));
    if (place === 'header')
      headers[(HEADER_ARGUMENTS[name] as string).toLowerCase()] = headerValue(name, value);
  }
  if (operation.headers?.['Idempotency-Key'] && !headers['idempotency-key']) {
    headers['idempotency-key'] = randomUUID();
  }
  let body: string | undefined;
  if (operation.body) {
    // An empty body is still a JSON body: some writes take `{}` (confirmOrder).
    body = JSON.stringify(args['body'] ?? {});
    headers['content-type'] = 'application/json';
  }
  const search = query.toString();
  return { method: operation.method, url: search ? `${path}?${search}` : path, headers, body };
}

function scalar(name: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return wellFormed(name, String(value));
  throw new ToolArgumentError(`${name} must be a string, number or boolean`);
}

/**
 * A string with a lone surrogate has no UTF-8 form: it cannot be put in a URL (encodeURIComponent
 * throws) and is refused here, as the REST API refuses such bytes, rather than failing the call.
 */
function wellFormed(name: string, value: string): string {
  if (!isWellFormedText(value)) throw new ToolArgumentError(`${name} is not well-formed Unicode`);
  return value;
}

/** Idempotency-Key and If-Match travel as header values: printable ASCII only, at most 256 characters. */
function headerValue(name: string, value: unknown): string {
  const text = scalar(name, value);
  if (!/^[\x20-\x7e]{1,256}$/.test(text)) {
    throw new ToolArgumentError(`${name} must be 1 to 256 printable ASCII characters`);
  }
  return text;
}
