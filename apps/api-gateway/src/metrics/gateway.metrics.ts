import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@platform/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The gateway's own series, beside the HTTP RED metrics every app has. */
@Injectable()
export class GatewayMetrics {
  readonly proxied: Counter<'upstream' | 'route' | 'status_code'>;
  readonly upstreamSeconds: Histogram<'upstream' | 'route'>;
  readonly retries: Counter<'upstream'>;
  /** 0 closed, 1 half-open, 2 open. */
  readonly circuitState: Gauge<'upstream'>;
  readonly shed: Counter<'upstream'>;
  readonly upstreamInFlight: Gauge<'upstream'>;
  readonly rateLimited: Counter<'class' | 'caller'>;
  readonly rateLimitDegraded: Counter;
  readonly authFailures: Counter<'reason'>;
  /** Outcome `ok` (2xx), `error` (the REST call's problem) or `refused` (by the MCP layer, nothing sent). */
  readonly mcpToolCalls: Counter<'tool' | 'outcome'>;
  readonly mcpToolSeconds: Histogram<'tool'>;
  private readonly inFlightReaders = new Map<string, () => number>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.proxied = new Counter({
      name: 'gateway_proxy_requests_total',
      help: 'Requests answered for a route, by upstream, route prefix and status (gateway refusals included).',
      labelNames: ['upstream', 'route', 'status_code'],
      registers,
    });
    this.upstreamSeconds = new Histogram({
      name: 'gateway_upstream_duration_seconds',
      help: 'Time from sending a request upstream to its response headers, per attempt, in seconds.',
      labelNames: ['upstream', 'route'],
      // Finer than the HTTP buckets at the low end: the gateway's own cost is a millisecond matter.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.retries = new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Attempts repeated after a connect error, 502 or 503.',
      labelNames: ['upstream'],
      registers,
    });
    this.circuitState = new Gauge({
      name: 'gateway_circuit_state',
      help: 'Circuit breaker per upstream: 0 closed, 1 half-open, 2 open.',
      labelNames: ['upstream'],
      registers,
    });
    this.shed = new Counter({
      name: 'gateway_shed_total',
      help: 'Requests answered 503 GATEWAY.OVERLOADED because their upstream had its most requests in flight.',
      labelNames: ['upstream'],
      registers,
    });
    const readers = this.inFlightReaders;
    this.upstreamInFlight = new Gauge({
      name: 'gateway_upstream_in_flight',
      help: 'Requests holding a slot of their upstream bulkhead, from the route match to the end of the response.',
      labelNames: ['upstream'],
      registers,
      // Read at scrape time, not kept up to date per request: nothing on the hot path.
      collect() {
        for (const [upstream, read] of readers) this.set({ upstream }, read());
      },
    });
    this.rateLimited = new Counter({
      name: 'gateway_rate_limit_rejections_total',
      help: 'Requests refused with 429, by rate-limit class and caller kind (user or ip).',
      labelNames: ['class', 'caller'],
      registers,
    });
    this.rateLimitDegraded = new Counter({
      name: 'gateway_rate_limit_degraded_total',
      help: 'Requests let through unchecked because Redis did not answer the rate limiter.',
      registers,
    });
    this.authFailures = new Counter({
      name: 'gateway_auth_failures_total',
      help: 'Requests refused by authentication or authorization, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.mcpToolCalls = new Counter({
      name: 'gateway_mcp_tool_calls_total',
      help: 'MCP tool calls by tool and outcome: ok, error (the REST answer was a problem) or refused (by the MCP layer, never sent).',
      labelNames: ['tool', 'outcome'],
      registers,
    });
    this.mcpToolSeconds = new Histogram({
      name: 'gateway_mcp_tool_duration_seconds',
      help: 'Time of one MCP tool call, its REST call through the gateway included, in seconds.',
      labelNames: ['tool'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /**
   * Series of every tool at zero from the start, so that rates and dashboards show a tool nobody has
   * called yet as 0, not as missing.
   */
  initialiseMcpTools(tools: readonly string[]): void {
    for (const tool of tools) {
      for (const outcome of ['ok', 'error', 'refused']) this.mcpToolCalls.inc({ tool, outcome }, 0);
      this.mcpToolSeconds.zero({ tool });
    }
  }

  /** Reports `read()` as the requests in flight to `upstream` at every scrape. */
  reportInFlight(upstream: string, read: () => number): void {
    this.inFlightReaders.set(upstream, read);
  }
}
