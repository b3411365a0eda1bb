import { DEFAULT_ROUTES, hasDotSegment, RouteTable, routeTableSchema } from './route-table';

describe('route table', () => {
  const table = new RouteTable(DEFAULT_ROUTES);

  it('matches a prefix on segment boundaries only', () => {
    expect(table.match('/orders')?.prefix).toBe('/orders');
    expect(table.match('/orders/42')?.prefix).toBe('/orders');
    expect(table.match('/orders?page=2')?.prefix).toBe('/orders');
    expect(table.match('/ordersx')).toBeUndefined();
  });

  it('prefers the longest prefix, so public auth endpoints are not shadowed by protected ones', () => {
    expect(table.match('/auth/login')).toMatchObject({
      prefix: '/auth/login',
      auth: false,
      rateLimit: 'auth',
    });
    expect(table.match('/auth/me')).toMatchObject({ prefix: '/auth/me', auth: true });
  });

  it('serves the JWKS publicly and routes admin paths to the DLQ service for admins only', () => {
    expect(table.match('/.well-known/jwks.json')).toMatchObject({ upstream: 'auth', auth: false });
    expect(table.match('/admin/dlq/messages/1')).toMatchObject({ upstream: 'dlq', roles: ['admin'] });
    expect(table.match('/admin/users')).toBeUndefined();
  });

  it('leaves paths no route claims to the rest of the app (health, metrics, docs)', () => {
    for (const path of ['/health/ready', '/metrics', '/docs', '/openapi.json', '/']) {
      expect(table.match(path)).toBeUndefined();
    }
  });

  it('refuses a table that exposes /admin without the admin role', () => {
    expect(routeTableSchema.safeParse([{ prefix: '/admin/x', upstream: 'dlq' }]).success).toBe(false);
    expect(
      routeTableSchema.safeParse([{ prefix: '/admin/x', upstream: 'dlq', auth: false, roles: ['admin'] }])
        .success,
    ).toBe(false);
  });

  it('fills route defaults so a row needs only a prefix and an upstream', () => {
    expect(routeTableSchema.parse([{ prefix: '/orders', upstream: 'orders' }])[0]).toMatchObject({
      auth: true,
      roles: [],
      timeoutMs: 5_000,
      retries: 1,
      rateLimit: 'standard',
    });
  });

  it('spots dot segments, encoded or not, but not dot-files', () => {
    expect(hasDotSegment('/orders/../admin/dlq')).toBe(true);
    expect(hasDotSegment('/orders/%2E%2e/x')).toBe(true);
    expect(hasDotSegment('/orders/.')).toBe(true);
    expect(hasDotSegment('/.well-known/jwks.json')).toBe(false);
    expect(hasDotSegment('/orders/1?next=../x')).toBe(false);
  });
});
