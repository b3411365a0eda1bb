import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ReadinessRegistry, SHUTDOWN_CHECK } from './readiness.registry';

/**
 * `GET /health/live`: the process is up and serving HTTP; it checks no dependency, because a
 * database outage must not make Kubernetes restart every pod.
 * `GET /health/ready`: every registered {@link ReadinessCheck} passes and shutdown has not begun;
 * otherwise 503 naming what failed, so traffic goes to other pods until this one recovers.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    // Once shutdown began the dependencies may be closing: their checks would only add noise.
    if (this.readiness.isShuttingDown()) {
      return this.health.check([
        () => this.indicator.check(SHUTDOWN_CHECK).down({ message: 'shutting down' }),
      ]);
    }
    return this.health.check([() => this.registeredChecks()]);
  }

  /** One terminus result per registered check, all run by the registry with their timeouts. */
  private async registeredChecks(): Promise<HealthIndicatorResult> {
    const results = await this.readiness.run();
    return Object.assign(
      {},
      ...results.map((result) =>
        result.ok
          ? this.indicator.check(result.name).up({ durationMs: result.durationMs })
          : this.indicator.check(result.name).down({ message: result.error, durationMs: result.durationMs }),
      ),
    );
  }
}
