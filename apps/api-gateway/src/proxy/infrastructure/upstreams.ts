import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';
import { API_GATEWAY_CONFIG, type ApiGatewayConfig } from '../../config/api-gateway.config';
import { GatewayMetrics } from '../../metrics/gateway.metrics';
import { Bulkhead } from '../../resilience/bulkhead';
import { CircuitBreaker, type CircuitState } from '../../resilience/circuit-breaker';
import { UPSTREAM_NAMES, type UpstreamName } from '../../routing/route-table';

/** One upstream service: a keep-alive connection pool, its circuit breaker and its bulkhead. */
export interface Upstream {
  readonly name: UpstreamName;
  readonly pool: Pool;
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
}

const STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** The upstreams by name, built once from config; pools are closed on shutdown. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  private readonly byName: ReadonlyMap<UpstreamName, Upstream>;

  constructor(@Inject(API_GATEWAY_CONFIG) config: ApiGatewayConfig, metrics: GatewayMetrics) {
    const urls: Record<UpstreamName, string> = {
      auth: config.AUTH_SERVICE_URL,
      orders: config.ORDER_SERVICE_URL,
      notifications: config.NOTIFICATION_SERVICE_URL,
      analytics: config.ANALYTICS_SERVICE_URL,
      dlq: config.DLQ_SERVICE_URL,
    };
    this.byName = new Map(
      UPSTREAM_NAMES.map((name) => {
        metrics.circuitState.set({ upstream: name }, 0);
        const breaker = new CircuitBreaker(
          {
            failureThreshold: config.GATEWAY_BREAKER_FAILURE_THRESHOLD,
            failureRatio: config.GATEWAY_BREAKER_FAILURE_RATIO,
            window: config.GATEWAY_BREAKER_WINDOW,
            openMs: config.GATEWAY_BREAKER_OPEN_MS,
          },
          (state) => metrics.circuitState.set({ upstream: name }, STATE_VALUE[state]),
        );
        const pool = new Pool(new URL(urls[name]).origin, {
          connections: config.GATEWAY_UPSTREAM_CONNECTIONS,
          keepAliveTimeout: 30_000,
          connectTimeout: 2_000,
        });
        const bulkhead = new Bulkhead(config.GATEWAY_UPSTREAM_MAX_IN_FLIGHT);
        metrics.reportInFlight(name, () => bulkhead.current);
        metrics.shed.inc({ upstream: name }, 0);
        return [name, { name, pool, breaker, bulkhead }] as const;
      }),
    );
  }

  get(name: UpstreamName): Upstream {
    return this.byName.get(name) as Upstream;
  }

  async onApplicationShutdown(): Promise<void> {
    // After the HTTP server drained: in-flight proxied requests are done, close idle sockets.
    await Promise.all([...this.byName.values()].map((u) => u.pool.close()));
  }
}
