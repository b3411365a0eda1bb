import { Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway.metrics';

/** The gateway's Prometheus metrics, registered once and shared by rate limiting and the proxy. */
@Module({ providers: [GatewayMetrics], exports: [GatewayMetrics] })
export class MetricsModule {}
