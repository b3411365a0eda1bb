import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { reach } from './infra';

/** What a test boots an app with besides its modules. */
export interface TestAppOptions {
  /** Servers the modules connect to while compiling: a failure then says to start the infrastructure. */
  reaching?: { server: string; address: string };
  /**
   * Setup between creation and init, as main.ts's `configure`: Express settings, or a consumer
   * app's startConsumerGroups (which inits the app and starts its groups itself).
   */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
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
  await options.configure?.(app);
  await app.init();
  return app;
}
