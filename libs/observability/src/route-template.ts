/** Label of a request no route matched (404s, scanners): one series instead of one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** What Express leaves on a request once a route matched it; enough to read the route back. */
export interface RoutedRequest {
  baseUrl?: string;
  route?: { path?: unknown };
  /** Set by code that routes outside Express (the gateway's proxy): the route, named by it. */
  routeLabel?: string;
}

/**
 * The route template that handled a request (`/orders/:id`), for metric labels and logs. Never
 * the raw URL: ids in paths would make one time series per order and exhaust Prometheus.
 * Requests no route matched get {@link UNMATCHED_ROUTE}.
 */
export function routeTemplate(req: RoutedRequest): string {
  if (req.routeLabel !== undefined) return req.routeLabel;
  const route = req.route?.path;
  if (route === undefined || route === null) return UNMATCHED_ROUTE;
  // Nest registers string paths; a RegExp or array route is still a fixed, bounded label.
  if (typeof route !== 'string') return String(route);
  // A route of a mounted router is relative to its mount point (req.baseUrl).
  const template = `${req.baseUrl ?? ''}${route}`.replace(/\/+$/, '');
  return template === '' ? '/' : template;
}
