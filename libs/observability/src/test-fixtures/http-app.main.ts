// What an app's src/main.ts looks like; bootstrap-http-app.int.spec.ts runs it as a process.
import { tracing } from './http-app.instrument';
import { bootstrapHttpApp } from '../index';
import { FixtureModule } from './http-app.module';

void bootstrapHttpApp(FixtureModule, {
  serviceName: 'fixture-service',
  port: Number(process.env['PORT'] ?? 0),
  host: '127.0.0.1',
  tracing,
  drainDelayMs: Number(process.env['DRAIN_DELAY_MS'] ?? 0),
});
