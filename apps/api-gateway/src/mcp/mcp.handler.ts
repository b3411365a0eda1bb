import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ErrorCode,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@platform/identity';
import { ExchangeObserver, type RoutedRequest } from '@platform/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { AuthFailure, AuthUnavailable } from '../auth/domain/auth-failure';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../config/api-gateway.config';
import { GatewayError } from '../http/gateway.error';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { clientAddressOf, type TrustedProxies } from '../proxy/domain/client-address';
import { CallerAdmission } from '../proxy/http/caller-admission';
import { TRIAGE_NEEDS_TOOL, TRIAGE_PROMPT, triagePrompt } from './dlq-triage.prompt';
import { EventCatalogResources } from './event-catalog.resources';
import { McpToolRunner, type McpCall } from './mcp-tool.runner';
import {
  MCP_PATH,
  mcpWwwAuthenticate,
  PROTECTED_RESOURCE_PATHS,
  protectedResourceMetadata,
} from './protected-resource';
import { ToolCatalog } from './tool-catalog';

type GatewayRequest = IncomingMessage & { originalUrl?: string };

/** Rate-limit class of requests to /mcp themselves (each tool call's REST call draws from its route's too). */
const MCP_RATE_LIMIT_CLASS = 'mcp';
/** Bodies of JSON-RPC messages to /mcp; a tool's arguments are far smaller. */
const MAX_MCP_BODY_BYTES = 1_048_576;

/**
 * The gateway's MCP endpoint: Streamable HTTP, stateless (a server and a transport per POST, JSON
 * answers, no session), so any gateway instance serves any request and nothing is pinned to a
 * process; GET and DELETE, which only sessions use, answer 405. Every request carries the user's
 * access token, checked as ProxyHandler checks it (signature, revocation, rate limit in one Redis
 * round trip); a missing or refused one is a 401 pointing at the protected-resource metadata
 * (RFC 9728) served here too. What a caller sees (tools, the triage prompt) follows its roles.
 */
@Injectable()
export class McpHandler {
  private readonly publicUrl: string;
  private readonly trustedProxies: TrustedProxies;
  private readonly metadata: string;
  /**
   * One JSON Schema validator for every request's server. A Server makes its own by default, and
   * building an Ajv instance was half the CPU of an MCP request (bench:gateway's profile).
   */
  private readonly schemaValidator = new AjvJsonSchemaValidator();

  constructor(
    private readonly admission: CallerAdmission,
    private readonly metrics: GatewayMetrics,
    private readonly observer: ExchangeObserver,
    private readonly catalog: ToolCatalog,
    private readonly resources: EventCatalogResources,
    private readonly runner: McpToolRunner,
    @Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig,
  ) {
    this.publicUrl = config.PUBLIC_URL;
    this.trustedProxies = config.GATEWAY_TRUSTED_PROXIES;
    this.metadata = JSON.stringify(protectedResourceMetadata(config.PUBLIC_URL));
  }

  /** The Express middleware: answers /mcp and the metadata, hands anything else to `next`. */
  readonly middleware = (req: GatewayRequest, res: ServerResponse, next: () => void): void => {
    const url = req.originalUrl ?? (req.url as string);
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if ((PROTECTED_RESOURCE_PATHS as readonly string[]).includes(path)) {
      (req as RoutedRequest).routeLabel = path;
      this.observer.run(req, res, async () => this.serveMetadata(req, res));
      return;
    }
    if (path !== MCP_PATH) return next();
    (req as RoutedRequest).routeLabel = MCP_PATH;
    this.observer.run(req, res, () => this.serve(req, res));
  };

  private serveMetadata(req: GatewayRequest, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req, res, 'GET, HEAD');
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'public, max-age=300');
    // Public metadata: browser-based MCP clients read it from another origin.
    res.setHeader('access-control-allow-origin', '*');
    res.end(req.method === 'HEAD' ? undefined : this.metadata);
  }

  private async serve(req: GatewayRequest, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed(req, res, 'POST');
    const clientIp = clientAddressOf(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      this.trustedProxies,
    );
    const claims = await this.authenticate(req, res, clientIp);
    const call: McpCall = {
      claims,
      caller: {
        authorization: req.headers.authorization as string,
        clientIp,
        localAddress: req.socket.localAddress as string,
        localPort: req.socket.localPort as number,
      },
      unauthenticated: false,
    };
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_MCP_BODY_BYTES,
    });
    const server = this.serverFor(call);
    try {
      await server.connect(transport);
      const answer = await transport.handleRequest(webRequestOf(req));
      // A tool's REST call refused the token (revoked or expired since it was checked above): the
      // MCP request is unauthenticated, not a tool error, so the client signs in again.
      if (call.unauthenticated) this.refuse(new AuthFailure('revoked'), req, res);
      await writeWebResponse(answer, res);
    } finally {
      await server.close();
    }
  }

  /** The caller's claims, checked as ProxyHandler checks them; throws the 401, 429 or 503 to answer. */
  private async authenticate(
    req: GatewayRequest,
    res: ServerResponse,
    clientIp: string,
  ): Promise<AccessTokenClaims> {
    try {
      const claims = await this.admission.admit(
        res,
        req.headers.authorization,
        MCP_RATE_LIMIT_CLASS,
        clientIp,
        true,
      );
      return claims as AccessTokenClaims; // with a token required, admitted means claims
    } catch (error) {
      this.refuse(error, req, res);
    }
  }

  private refuse(error: unknown, req: GatewayRequest, res: ServerResponse): never {
    if (error instanceof AuthFailure) {
      this.metrics.authFailures.inc({ reason: error.reason });
      res.setHeader(
        'www-authenticate',
        mcpWwwAuthenticate(this.publicUrl, req.headers.authorization !== undefined),
      );
      throw new GatewayError(401, 'GATEWAY.UNAUTHENTICATED', 'Unauthorized', error.message);
    }
    if (error instanceof AuthUnavailable) {
      this.metrics.authFailures.inc({ reason: 'unavailable' });
      res.setHeader('retry-after', '1');
      throw new GatewayError(503, 'GATEWAY.AUTH_UNAVAILABLE', 'Service Unavailable', error.message, true);
    }
    throw error;
  }

  /** An MCP server for one request, showing and running what this caller's roles allow. */
  private serverFor(call: McpCall): Server {
    const roles = call.claims.roles;
    const server = new Server(
      { name: 'platform-gateway', version: '1.0.0' },
      {
        capabilities: { tools: {}, resources: {}, prompts: {} },
        jsonSchemaValidator: this.schemaValidator,
        instructions:
          'The platform API as tools, acting as the signed-in user with their roles. Tool errors carry the HTTP problem (status, code, detail). Irreversible tools need confirm: true, only after the user agreed.',
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: this.catalog.visibleTo(roles).map((tool) => ({
        name: tool.name,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: {
          readOnlyHint: tool.operation.method === 'GET',
          destructiveHint: tool.operation.destructive === true,
          idempotentHint: tool.operation.method !== 'POST',
          openWorldHint: false,
        },
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, (request): Promise<CallToolResult> =>
      this.runner.run(request.params.name, request.params.arguments, call),
    );
    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: this.resources.list() }));
    server.setRequestHandler(ReadResourceRequestSchema, (request) => {
      const found = this.resources.read(request.params.uri);
      if (!found) throw new McpError(ErrorCode.InvalidParams, `no resource ${request.params.uri}`);
      return found;
    });
    const mayTriage = this.catalog.find(TRIAGE_NEEDS_TOOL, roles) !== undefined;
    server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: mayTriage ? [TRIAGE_PROMPT] : [] }));
    server.setRequestHandler(GetPromptRequestSchema, (request) => {
      if (request.params.name !== TRIAGE_PROMPT.name || !mayTriage) {
        throw new McpError(ErrorCode.InvalidParams, `no prompt ${request.params.name}`);
      }
      return triagePrompt(request.params.arguments?.['topic']);
    });
    return server;
  }
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): GatewayError {
  res.setHeader('allow', allow);
  return new GatewayError(
    405,
    'GATEWAY.METHOD_NOT_ALLOWED',
    'Method Not Allowed',
    `${req.method} is not served here: the MCP endpoint is stateless (no sessions, no server-sent stream)`,
  );
}

/** The Node request as the Fetch API Request the SDK's transport reads (the body streamed, not buffered here). */
function webRequestOf(req: GatewayRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://gateway${req.originalUrl ?? req.url}`, {
    method: req.method,
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
}

async function writeWebResponse(answer: Response, res: ServerResponse): Promise<void> {
  res.statusCode = answer.status;
  answer.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(Buffer.from(await answer.arrayBuffer()));
}
