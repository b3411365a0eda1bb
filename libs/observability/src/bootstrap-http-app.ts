import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createLogger } from './logger';
import { METRICS_REGISTRY } from './metrics';
import { startMetricsServer } from './metrics-server';
import { ObservabilityModule } from './observability.module';
import type { ObservabilityOptions } from './observability.options';
import { ReadinessRegistry } from './readiness.registry';
import type { TracingHandle } from './tracing';

export interface HttpAppOptions extends ObservabilityOptions {
  /** TCP port to listen on; 0 picks a free one (logged). */
  port: number;
  /**
   * Interface both servers listen on. Default `127.0.0.1`: natively an app is reached by the
   * gateway or a developer on the same host only; a container sets `0.0.0.0` explicitly.
   */
  host?: string;
  /**
   * Port of the internal metrics server (`GET /metrics`, nothing else); the public port does not
   * serve metrics. 0 picks a free one (logged as `metrics server listening`).
   */
  metricsPort: number;
  /** The handle from `startTracing()` in instrument.ts; flushed last on shutdown. */
  tracing?: TracingHandle;
  /**
   * How long to keep serving after readiness turned false and before closing the HTTP server,
   * so that the load balancer has stopped routing here (Kubernetes: a few seconds). Default 0.
   */
  drainDelayMs?: number;
  /** Shutdown taking longer than this exits with code 1 anyway. Default 25 s (Kubernetes kills at 30 s). */
  shutdownTimeoutMs?: number;
  /**
   * Nest's JSON and urlencoded body parsers. Default true; a proxy that streams bodies through
   * (the gateway) turns them off, or the body is consumed before it can be forwarded.
   */
  bodyParser?: boolean;
  /** App-specific setup between creation and listening (global prefix, pipes, filters). */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

@Module({})
class HttpAppRootModule {}

/**
 * Creates the Express Nest app of `appModule` with {@link ObservabilityModule} (do not import it
 * in `appModule` too), sends Nest's logs through nestjs-pino's `Logger` (buffered until then),
 * listens on `port` and serves `/metrics` on `metricsPort` (both on `host`, loopback by default),
 * and on SIGTERM/SIGINT shuts down gracefully: readiness false, drain delay, `app.close()` (HTTP
 * drains, then every shutdown hook), tracing flushed, exit. A failed start is logged and exits with 1.
 * It owns the process: meant for `main.ts` only.
 */
export async function bootstrapHttpApp(
  appModule: Type<unknown> | DynamicModule,
  options: HttpAppOptions,
): Promise<NestExpressApplication> {
  const logger =
    options.logger ?? createLogger({ serviceName: options.serviceName, level: options.logLevel });
  try {
    // Imported here, not at the top: @nestjs/core must load after startTracing() has hooked it.
    const [{ NestFactory }, { Logger: NestPinoLogger }] = await Promise.all([
      import('@nestjs/core'),
      import('nestjs-pino'),
    ]);
    const root: DynamicModule = {
      module: HttpAppRootModule,
      imports: [ObservabilityModule.forRoot({ ...options, logger }), appModule],
    };
    // abortOnError false: a failed start throws here and is logged as JSON, instead of aborting.
    const app = await NestFactory.create<NestExpressApplication>(root, {
      bufferLogs: true,
      abortOnError: false,
      bodyParser: options.bodyParser ?? true,
    });
    // Nest's own lines (startup, routes, unhandled errors), buffered until now, go through pino.
    app.useLogger(app.get(NestPinoLogger));
    app.disable('x-powered-by');
    const host = options.host ?? '127.0.0.1';
    // First, so that a port already taken fails the start before the app takes traffic.
    const metrics = await startMetricsServer({
      registry: app.get(METRICS_REGISTRY),
      port: options.metricsPort,
      host,
    });
    logger.info({ host: metrics.host, port: metrics.port }, 'metrics server listening');
    listenForShutdown(logger, options, {
      markNotReady: () => app.get(ReadinessRegistry).markShuttingDown(),
      // Metrics stay scrapeable while the app drains: the last scrape sees the shutdown.
      closeApp: async () => {
        await app.close();
        await metrics.close();
      },
      stopTracing: () => options.tracing?.shutdown() ?? Promise.resolve(),
    });
    await options.configure?.(app);
    await app.listen(options.port, host);
    // The bound address, not the requested one: port 0 (tests) means "any free port".
    const address = app.getHttpServer().address();
    logger.info(
      typeof address === 'object' && address ? { host: address.address, port: address.port } : { address },
      'http server listening',
    );
    return app;
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    await options.tracing?.shutdown().catch(() => undefined);
    process.exit(1);
  }
}

/** The steps of a graceful shutdown, in the order they run. */
export interface ShutdownSteps {
  markNotReady: () => void;
  closeApp: () => Promise<void>;
  stopTracing: () => Promise<void>;
}

/**
 * Runs a graceful shutdown: readiness false first (probes fail, traffic moves elsewhere), wait
 * `drainDelayMs` for the load balancer to notice, close the app (the HTTP server drains
 * in-flight requests, then Nest's shutdown hooks close clients), and flush traces last so the
 * spans of the shutdown itself are exported.
 */
export async function shutDownGracefully(steps: ShutdownSteps, drainDelayMs: number): Promise<void> {
  steps.markNotReady();
  if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
  await steps.closeApp();
  await steps.stopTracing();
}

function listenForShutdown(logger: Logger, options: HttpAppOptions, steps: ShutdownSteps): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      // A second Ctrl-C means "now": do not make a developer wait for the drain.
      logger.warn({ signal }, 'second signal during shutdown, exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timeoutMs = options.shutdownTimeoutMs ?? 25_000;
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, timeoutMs).unref();
    shutDownGracefully(steps, options.drainDelayMs ?? 0).then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Our own handler rather than app.enableShutdownHooks(): Nest would run module destroy hooks
  // before readiness turns false and could not flush the tracer after its last hook.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
