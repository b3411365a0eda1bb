import { routeTemplate, UNMATCHED_ROUTE } from './route-template';

describe('routeTemplate', () => {
  it('labels a request with the template of the route that matched, not its URL', () => {
    expect(routeTemplate({ baseUrl: '', route: { path: '/orders/:id' } })).toBe('/orders/:id');
  });

  it('prefixes the mount point of a sub-router', () => {
    expect(routeTemplate({ baseUrl: '/api', route: { path: '/orders/:id/items' } })).toBe(
      '/api/orders/:id/items',
    );
  });

  it('labels requests no route matched as unmatched, whatever their URL', () => {
    expect(routeTemplate({ baseUrl: '' })).toBe(UNMATCHED_ROUTE);
    expect(routeTemplate({ route: {} })).toBe(UNMATCHED_ROUTE);
  });

  it('drops a trailing slash and keeps the root as /', () => {
    expect(routeTemplate({ route: { path: '/orders/' } })).toBe('/orders');
    expect(routeTemplate({ route: { path: '/' } })).toBe('/');
  });

  it('keeps a RegExp route as its fixed source text', () => {
    expect(routeTemplate({ route: { path: /^\/legacy\/.*$/ } })).toBe('/^\\/legacy\\/.*$/');
  });

  it('takes the label a router outside Express gives, whatever Express mounted', () => {
    expect(routeTemplate({ baseUrl: '/orders', routeLabel: '/orders' })).toBe('/orders');
  });
});
