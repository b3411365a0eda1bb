import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which hops in front of the gateway may tell it the client's address (X-Forwarded-For): none
 * (the socket's peer is the client), a count of proxies (a cloud load balancer: `1`), or the
 * proxies' addresses as CIDRs (`10.0.0.0/8,192.168.1.10`). A client can write anything into
 * X-Forwarded-For; only entries appended by trusted hops are believed.
 */
export type TrustedProxies = { hops: number } | { networks: BlockList };

const ipVersion = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** `GATEWAY_TRUSTED_PROXIES`: `0` (default), a hop count, or comma-separated IPs/CIDRs. */
export const trustedProxiesSchema = z
  .string()
  .trim()
  .transform((raw, ctx): TrustedProxies => {
    if (/^\d+$/.test(raw)) return { hops: Number(raw) };
    const networks = new BlockList();
    for (const entry of raw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const [address = '', prefix] = entry.split('/');
      const version = isIP(address);
      const bits = prefix === undefined ? (version === 6 ? 128 : 32) : Number(prefix);
      if (version === 0 || !Number.isInteger(bits) || bits < 0 || bits > (version === 6 ? 128 : 32)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8), nor a hop count`,
        });
        return z.NEVER;
      }
      networks.addSubnet(address, bits, ipVersion(address));
    }
    return { networks };
  });

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:1.2.3.4`; the address is `1.2.3.4`. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's address: the socket's peer, or, through trusted proxies only, the address the
 * nearest untrusted hop was seen from in X-Forwarded-For. Entries a client wrote itself sit to
 * the left of what the trusted proxies appended and are never reached.
 */
export function clientAddressOf(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = normalize(socketAddress ?? '');
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => normalize(entry.trim()))
    .filter((entry) => entry !== '');
  const chain = [...forwarded, peer];
  if ('hops' in trusted) {
    const index = Math.max(0, chain.length - 1 - trusted.hops);
    return validOr(chain[index], peer);
  }
  for (let i = chain.length - 1; i > 0; i -= 1) {
    const hop = chain[i] as string;
    if (isIP(hop) === 0 || !trusted.networks.check(hop, ipVersion(hop))) return validOr(hop, peer);
  }
  return validOr(chain[0], peer);
}

/** A forwarded entry that is not an address (garbage a proxy passed on) never becomes the client. */
function validOr(candidate: string | undefined, fallback: string): string {
  return candidate !== undefined && isIP(candidate) !== 0 ? candidate : fallback;
}
