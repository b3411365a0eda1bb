import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Header by which the gateway, calling its own pipeline for an MCP tool, names the client the
 * call is made for. Without it a tool call would come from 127.0.0.1: every agent would share one
 * address's rate-limit bucket, and upstreams would be told the wrong client address.
 */
export const INTERNAL_CLIENT_HEADER = 'x-gateway-internal-client';

/**
 * A key made at start that never leaves the process: the header is believed only with it, so a
 * client (or anything else on the host's loopback) cannot choose the address it is counted under.
 */
export class InternalCallKey {
  private readonly key = randomBytes(32);
  private readonly prefix = `${this.key.toString('base64url')} `;

  /** The header value that asserts `clientIp` for a call this process makes to itself. */
  headerFor(clientIp: string): string {
    return `${this.prefix}${clientIp}`;
  }

  /** The client address of a header this process wrote, else undefined (a forged or stale one). */
  clientOf(header: string | string[] | undefined): string | undefined {
    if (typeof header !== 'string') return undefined;
    const space = header.indexOf(' ');
    if (space === -1) return undefined;
    const presented = Buffer.from(header.slice(0, space), 'base64url');
    if (presented.length !== this.key.length || !timingSafeEqual(presented, this.key)) return undefined;
    return header.slice(space + 1) || undefined;
  }
}
