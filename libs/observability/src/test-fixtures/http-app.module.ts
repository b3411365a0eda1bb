import { Controller, Get, Inject, Injectable, Module, type OnModuleInit, Param } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { injectTraceHeaders, PINO_LOGGER, type Logger, ReadinessRegistry } from '../index';

@Controller('things')
class ThingsController {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  @Get(':id')
  find(@Param('id') id: string): { id: string; outgoing: Record<string, string> } {
    this.logger.info({ id }, 'thing found');
    return { id, outgoing: injectTraceHeaders({}) };
  }

  @Get('slow/:ms')
  async slow(@Param('ms') ms: string): Promise<{ sleptMs: number }> {
    this.logger.info({ ms }, 'slow request started');
    await delay(Number(ms));
    return { sleptMs: Number(ms) };
  }
}

@Injectable()
class FakeDatabase implements OnModuleInit {
  constructor(private readonly readiness: ReadinessRegistry) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'database', check: async () => 'ok' });
  }
}

/** A minimal app module: one controller and one dependency with a readiness check. */
@Module({ controllers: [ThingsController], providers: [FakeDatabase] })
export class FixtureModule {}
