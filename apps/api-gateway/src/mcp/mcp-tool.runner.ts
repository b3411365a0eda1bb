import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Injectable } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AccessTokenClaims } from '@platform/identity';
import { GatewayError } from '../http/gateway.error';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { RateLimitGate } from '../rate-limit/http/rate-limit.gate';
import { ToolCatalog, type McpTool } from './tool-catalog';
import { ToolCallFailed, ToolInvoker, type ToolCaller } from './tool-invoker';
import { ToolArgumentError, toolRequestOf } from './tool-request';
import { toolError, toolResultOf } from './tool-result';

/** Rate-limit class of irreversible tool calls (per user), on top of their route's class. */
export const DESTRUCTIVE_RATE_LIMIT_CLASS = 'mcp-destructive';

/** One MCP request: who sent it, and whether a tool's REST call found its token refused. */
export interface McpCall {
  readonly claims: AccessTokenClaims;
  readonly caller: ToolCaller;
  unauthenticated: boolean;
}

type Outcome = 'ok' | 'error' | 'refused';

const tracer = trace.getTracer('api-gateway');

/**
 * Runs one tools/call: the tool must be one the caller's roles may call, an irreversible one needs
 * `confirm: true` and a token of the `mcp-destructive` class; then its REST call goes through the
 * gateway's pipeline (ToolInvoker) and the answer becomes the tool result. Each call is a span
 * (`tools/call <tool>`, parent of the REST call's) and counted per tool and outcome.
 */
@Injectable()
export class McpToolRunner {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly invoker: ToolInvoker,
    private readonly rateLimit: RateLimitGate,
    private readonly metrics: GatewayMetrics,
  ) {
    metrics.initialiseMcpTools(catalog.tools.map((tool) => tool.name));
  }

  run(name: string, args: Record<string, unknown> | undefined, call: McpCall): Promise<CallToolResult> {
    const tool = this.catalog.tools.find((candidate) => candidate.name === name);
    if (!tool) {
      return Promise.resolve(
        toolError({
          status: 404,
          code: 'MCP.UNKNOWN_TOOL',
          title: 'Unknown tool',
          detail: `no tool ${name}`,
        }),
      );
    }
    return tracer.startActiveSpan(
      `tools/call ${name}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': name,
        },
      },
      async (span) => {
        const stopTimer = this.metrics.mcpToolSeconds.startTimer({ tool: name });
        let outcome: Outcome = 'error';
        try {
          const [result, how] = await this.attempt(tool, args ?? {}, call);
          outcome = how;
          span.setAttribute('mcp.tool.outcome', outcome);
          if (result.isError)
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: result.content[0]?.type === 'text' ? result.content[0].text : undefined,
            });
          return result;
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          stopTimer();
          this.metrics.mcpToolCalls.inc({ tool: name, outcome });
          span.end();
        }
      },
    );
  }

  private async attempt(
    tool: McpTool,
    args: Record<string, unknown>,
    call: McpCall,
  ): Promise<[CallToolResult, Outcome]> {
    const roles = call.claims.roles;
    if (!this.catalog.find(tool.name, roles)) {
      const needed = tool.roleSets.filter((set) => set.length > 0).map((set) => set.join(' or '));
      return [
        toolError({
          status: 403,
          code: 'GATEWAY.FORBIDDEN',
          title: 'Forbidden',
          detail: `${tool.name} needs the role ${needed.join(', and ')}`,
        }),
        'refused',
      ];
    }
    let request;
    try {
      request = toolRequestOf(tool, args);
    } catch (error) {
      if (!(error instanceof ToolArgumentError)) throw error;
      return [
        toolError({
          status: 400,
          code: 'MCP.INVALID_ARGUMENTS',
          title: 'Invalid arguments',
          detail: error.message,
        }),
        'refused',
      ];
    }
    if (tool.operation.destructive) {
      const refused = await this.admitDestructive(tool, args, call);
      if (refused) return [refused, 'refused'];
    }
    const { route } = tool;
    // The pipeline's own bound (timeout per attempt, retries) plus a margin: it answers first.
    const timeoutMs = route.timeoutMs * (route.retries + 1) + 1_000;
    let answer;
    try {
      answer = await this.invoker.send(request, call.caller, timeoutMs);
    } catch (error) {
      if (!(error instanceof ToolCallFailed) && (error as Error).name !== 'TimeoutError') throw error;
      return [
        toolError({
          status: 502,
          code: 'MCP.CALL_FAILED',
          title: 'Bad Gateway',
          detail: (error as Error).message,
        }),
        'error',
      ];
    }
    if (answer.status === 401) call.unauthenticated = true;
    const result = toolResultOf(answer);
    return [result, result.isError ? 'error' : 'ok'];
  }

  /** A tool error when an irreversible call is not confirmed or over its rate; undefined to go on. */
  private async admitDestructive(
    tool: McpTool,
    args: Record<string, unknown>,
    call: McpCall,
  ): Promise<CallToolResult | undefined> {
    if (args['confirm'] !== true) {
      return toolError({
        status: 428,
        code: 'MCP.CONFIRMATION_REQUIRED',
        title: 'Confirmation required',
        detail: `${tool.name} cannot be undone. Show the user what it will do (${tool.operation.summary}; ${JSON.stringify(
          args,
        )}) and call it again with confirm: true only once they agree. Nothing was done.`,
      });
    }
    const headers: Record<string, string | number | readonly string[]> = {};
    try {
      await this.rateLimit.admit(
        { setHeader: (name, value) => ((headers[name] = value), undefined as never) },
        DESTRUCTIVE_RATE_LIMIT_CLASS,
        call.caller.clientIp,
        call.claims.sub,
      );
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      return toolError({
        status: error.status,
        code: error.code,
        title: error.title,
        detail: `${error.message} for irreversible tools; retry after ${String(headers['retry-after'] ?? '?')} s`,
      });
    }
    return undefined;
  }
}
