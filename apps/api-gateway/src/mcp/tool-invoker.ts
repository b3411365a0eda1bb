import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CORRELATION_ID_HEADER, currentCorrelationId, injectTraceHeaders } from '@platform/observability';
import { Agent, request } from 'node:http';
import { INTERNAL_CLIENT_HEADER, InternalCallKey } from '../proxy/domain/internal-call';
import type { ToolRequest } from './tool-request';
import type { HttpAnswer } from './tool-result';

/** Larger REST answers are not handed to an agent whole (a page of DLQ entries is far below). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** Who a tool call is made for, and where the gateway that received it listens. */
export interface ToolCaller {
  /** The Authorization header of the /mcp request: the call is made with the user's own token. */
  authorization: string;
  clientIp: string;
  /** The local address and port the /mcp request arrived on: this gateway's own listener. */
  localAddress: string;
  localPort: number;
}

/** A tool's REST call that got no answer (the gateway's own listener refused or timed out). */
export class ToolCallFailed extends Error {
  override readonly name = 'ToolCallFailed';
}

/**
 * Makes a tool's REST call through this gateway's own listener, on loopback: the request takes
 * the same path as a client's (ProxyHandler: route, bulkhead, token, revocation, rate limit, roles,
 * signed identity, retries, circuit breaker), so an agent can never do more than the same user
 * over REST. The client's address rides along in a header only this process can write
 * (InternalCallKey); the call is an HTTP client span of the tool's span, whose trace the upstream
 * continues.
 */
@Injectable()
export class ToolInvoker implements OnModuleDestroy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly internalCalls: InternalCallKey) {}

  send(call: ToolRequest, caller: ToolCaller, timeoutMs: number): Promise<HttpAnswer> {
    const headers: Record<string, string> = {
      ...call.headers,
      authorization: caller.authorization,
      [INTERNAL_CLIENT_HEADER]: this.internalCalls.headerFor(caller.clientIp),
    };
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_ID_HEADER] = correlationId;
    injectTraceHeaders(headers);
    if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = request(
        {
          host: loopbackHost(caller.localAddress),
          port: caller.localPort,
          method: call.method,
          path: call.url,
          headers,
          agent: this.agent,
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > MAX_ANSWER_BYTES) {
              res.destroy(new ToolCallFailed(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              contentType: res.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', (error) => reject(new ToolCallFailed(error.message, { cause: error })));
      req.end(call.body);
    });
  }

  onModuleDestroy(): void {
    this.agent.destroy();
  }
}

/** The address to call a listener on: IPv4-mapped IPv6 unwrapped, other IPv6 as is. */
function loopbackHost(localAddress: string): string {
  return localAddress.startsWith('::ffff:') ? localAddress.slice(7) : localAddress;
}
