import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

/**
 * The health endpoints. Loaded on demand by ObservabilityModule: @nestjs/terminus loads
 * @nestjs/core, which must not happen when instrument.ts imports this library (see startTracing).
 */
@Module({
  // Terminus would log every failed probe; ReadinessRegistry logs each change of state instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
})
export class HealthModule {}
