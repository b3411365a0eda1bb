import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as a test wants to see it. */
export interface CollectedSpan {
  path: string;
  service: string;
  scope: string;
  name: string;
  traceId: string;
  spanId: string;
}

interface OtlpJson {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{
      scope: { name: string };
      spans: Array<{ name: string; traceId: string; spanId: string }>;
    }>;
  }>;
}

/** A stand-in OTLP/HTTP (JSON) collector on loopback that keeps every span it receives. */
export async function startOtlpCollector(): Promise<{
  endpoint: string;
  spans: CollectedSpan[];
  close: () => Promise<void>;
}> {
  const spans: CollectedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const payload = JSON.parse(body) as OtlpJson;
      for (const resourceSpans of payload.resourceSpans) {
        const service =
          resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const span of scopeSpans.spans) {
            spans.push({
              path: req.url ?? '',
              service,
              scope: scopeSpans.scope.name,
              name: span.name,
              traceId: span.traceId,
              spanId: span.spanId,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
