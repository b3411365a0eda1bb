// Imported first by main.ts: tracing must hook http, express, mongoose and Nest before they load.
import { startTracing, tracingOptionsFromEnv } from '@platform/observability';

export const tracing = startTracing(tracingOptionsFromEnv('notification-service'));
