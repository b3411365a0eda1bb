import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus `host` (undici
 * sets the upstream's; the client's travels as x-forwarded-host) and `expect` (Node's server
 * already answered 100-continue; undici refuses the header).
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

export type OutgoingHeaders = Record<string, string | string[]>;

/**
 * A copy of `headers` without hop-by-hop headers, including any the `Connection` header names.
 * Works for request headers (Node's IncomingHttpHeaders) and undici's response headers alike.
 */
export function withoutHopByHop(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): OutgoingHeaders {
  const connection = headers['connection'];
  // `Connection: keep-alive` is by far the common case and names nothing extra.
  const listed =
    typeof connection === 'string' && connection !== 'keep-alive' && connection !== 'close'
      ? connection
          .toLowerCase()
          .split(',')
          .map((t) => t.trim())
      : undefined;
  const out: OutgoingHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed?.includes(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
