import type { ServerResponse } from 'node:http';
import {
  Catch,
  Controller,
  Get,
  HttpException,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ReadinessRegistry, SHUTDOWN_CHECK } from './readiness.registry';

/**
 * Probes answer in terminus's own shape (`{ status, info, error, details }`), which operators and
 * probe tooling expect, not as problem+json: this filter outranks the app-wide one here.
 */
@Catch(HttpException)
class HealthResponseFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ServerResponse>();
    response.statusCode = exception.getStatus();
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(exception.getResponse()));
  }
}

/**
 * `GET /health/live`: the process is up and serving HTTP; it checks no dependency, because a
 * database outage must not make Kubernetes restart every pod.
 * `GET /health/ready`: every registered {@link ReadinessCheck} passes and shutdown has not begun;
 * otherwise 503 naming what failed, so traffic goes to other pods until this one recovers.
 */
@Controller('health')
@UseFilters(HealthResponseFilter)
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
