import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  /** The app's registry (METRICS_REGISTRY), served as Prometheus text. */
  registry: Registry;
  /** TCP port; 0 picks a free one (tests), which {@link MetricsServer.port} then tells. */
  port: number;
  /** Interface to listen on, like the app's public port (`127.0.0.1` natively, `0.0.0.0` in a container). */
  host: string;
}

/** A running metrics server: where it listens, and how to stop it. */
export interface MetricsServer {
  host: string;
  port: number;
  close: () => Promise<void>;
}

/**
 * Serves `GET /metrics` of `registry` on a port of its own, and nothing else (404). Metrics show
 * routes, status codes and process data: an internal port that only Prometheus reaches keeps them
 * off the public one, where a scrape could also be counted as traffic. Plain node:http, no Nest:
 * nothing here needs routing, pipes or filters, and a scrape must not go through the app's
 * middleware (logs, HTTP metrics, correlation ids).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => void answer(options.registry, req, res));
  // A scraper keeps its connection open; close() must not wait for it.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function answer(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    // A collect callback that throws: say so to the scraper (the target shows as down with this).
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${(error as Error).message}\n`);
  }
}
