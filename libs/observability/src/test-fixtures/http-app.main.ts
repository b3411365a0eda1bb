// What an app's src/main.ts looks like; bootstrap-http-app.int.spec.ts runs it as a process.
import { tracing } from './http-app.instrument';
import { bootstrapHttpApp } from '../index';
import { FixtureModule } from './http-app.module';

void bootstrapHttpApp(FixtureModule, {
  serviceName: 'fixture-service',
  port: Number(process.env['PORT'] ?? 0),
  metricsPort: Number(process.env['METRICS_PORT'] ?? 0),
  // No host: the default (loopback) is what the int spec checks.
  tracing,
  drainDelayMs: Number(process.env['DRAIN_DELAY_MS'] ?? 0),
});
