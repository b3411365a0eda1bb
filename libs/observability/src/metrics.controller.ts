import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics';

/** `GET /metrics`: every metric of the app's registry in Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    res.setHeader('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}
