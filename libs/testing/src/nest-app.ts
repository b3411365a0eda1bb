import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { METRICS_REGISTRY } from '@platform/observability';
import type { Registry } from 'prom-client';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { reach } from './infra';

/** What a test boots an app with besides its modules. */
export interface TestAppOptions {
  /** Servers the modules connect to while compiling: a failure then says to start the infrastructure. */
  reaching?: { server: string; address: string };
  /** Express-level setup between creation and init, as main.ts's `configure`. */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * Boots `imports` (the app's module and its ObservabilityModule) in-process as main.ts does,
 * minus listening: compile, create, configure, init (producers connect, consumers start).
 */
export async function bootTestApp(
  imports: (Type | DynamicModule | Promise<DynamicModule>)[],
  options: TestAppOptions = {},
): Promise<NestExpressApplication> {
  const compile = () => Test.createTestingModule({ imports }).compile();
  const moduleRef = options.reaching
    ? await reach(options.reaching.server, options.reaching.address, compile)
    : await compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>();
  options.configure?.(app);
  await app.init();
  return app;
}

/**
 * What Prometheus would scrape from an app booted in-process (its METRICS_REGISTRY): the public
 * port no longer serves /metrics, and a test app has no metrics server of its own.
 */
export function scrapeMetrics(app: INestApplicationContext): Promise<string> {
  return app.get<Registry>(METRICS_REGISTRY).metrics();
}
