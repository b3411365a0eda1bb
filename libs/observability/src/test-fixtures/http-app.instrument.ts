import { startTracing, tracingOptionsFromEnv } from '../index';

/** What an app's src/instrument.ts looks like: imported first, before Nest, express or pg load. */
export const tracing = startTracing(tracingOptionsFromEnv('fixture-service'));
