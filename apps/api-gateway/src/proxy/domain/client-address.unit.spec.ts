import { clientAddressOf, trustedProxiesSchema } from './client-address';

const none = trustedProxiesSchema.parse('0');
const oneHop = trustedProxiesSchema.parse('1');
const lan = trustedProxiesSchema.parse('10.0.0.0/8, 192.168.1.10');

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf('203.0.113.7', '1.2.3.4', none)).toBe('203.0.113.7');
    expect(clientAddressOf('::ffff:203.0.113.7', undefined, none)).toBe('203.0.113.7');
  });

  it('is the address the trusted load balancer saw, not what the client wrote before it', () => {
    // The client forged 6.6.6.6; the load balancer appended the address it saw, 198.51.100.9.
    expect(clientAddressOf('10.0.0.5', '6.6.6.6, 198.51.100.9', oneHop)).toBe('198.51.100.9');
  });

  it('walks past trusted proxy networks to the first untrusted hop', () => {
    expect(clientAddressOf('10.1.2.3', '6.6.6.6, 198.51.100.9, 192.168.1.10', lan)).toBe('198.51.100.9');
    expect(clientAddressOf('203.0.113.7', '6.6.6.6', lan)).toBe('203.0.113.7');
  });

  it('falls back to the peer when a trusted hop passed on garbage', () => {
    expect(clientAddressOf('10.0.0.5', 'not-an-ip', oneHop)).toBe('10.0.0.5');
    expect(clientAddressOf('10.0.0.5', undefined, oneHop)).toBe('10.0.0.5');
  });

  it('refuses a setting that is neither a count nor CIDRs, naming the entry', () => {
    expect(() => trustedProxiesSchema.parse('10.0.0.0/99')).toThrow(/10.0.0.0\/99/);
    expect(() => trustedProxiesSchema.parse('loopback')).toThrow(/not an IP address or CIDR/);
  });
});
