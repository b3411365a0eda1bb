/**
 * order-service as main.ts runs it, plus the baseline route of `npm run bench:orders`
 * (tools/bench/orders.bench.ts starts this file with ts-node; it is never part of the built app).
 *
 * POST /bench/plain-orders goes through the same Express stack, middleware, guard and body
 * validation as POST /orders, and then writes one row with a plain INSERT: what a command costs
 * without the event store, the outbox and the read model.
 */
import { tracing } from '../src/instrument';
import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Module,
  Post,
  Res,
  UseGuards,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import { placeOrderBodySchema, type PlaceOrderBody } from '@platform/contracts';
import { Caller, CallerGuard, gatewayIdentityProvider, type CallerIdentity } from '@platform/identity';
import { bootstrapHttpApp } from '@platform/observability';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import {
  loadOrderServiceConfig,
  ORDER_SERVICE_CONFIG,
  type OrderServiceConfig,
} from '../src/config/order-service.config';
import { mapOrderError } from '../src/errors/order-problem.mapper';
import { ZodBodyPipe } from '../src/orders/http/zod-body.pipe';

@Controller('bench')
@UseGuards(CallerGuard)
class PlainInsertController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Post('plain-orders')
  @HttpCode(201)
  async insert(
    @Caller() caller: CallerIdentity,
    @Body(new ZodBodyPipe(placeOrderBodySchema)) body: PlaceOrderBody,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<{ id: string; version: number }> {
    const id = randomUUID();
    await this.dataSource.query(
      'INSERT INTO bench_plain_orders (id, customer_id, body) VALUES ($1, $2, $3::jsonb)',
      [id, caller.userId, JSON.stringify(body)],
    );
    res.setHeader('Location', `/orders/${id}`);
    return { id, version: 1 };
  }
}

@Module({
  controllers: [PlainInsertController],
  providers: [
    CallerGuard,
    gatewayIdentityProvider(
      ORDER_SERVICE_CONFIG,
      'orders',
      (config: OrderServiceConfig) => config.GATEWAY_IDENTITY_PUBLIC_KEYS,
    ),
  ],
})
class PlainInsertModule implements OnModuleInit {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.query(
      'CREATE TABLE IF NOT EXISTS bench_plain_orders (id uuid PRIMARY KEY, customer_id text NOT NULL, body jsonb NOT NULL)',
    );
  }
}

@Module({})
class BenchServerModule {
  static with(config: OrderServiceConfig): DynamicModule {
    return { module: BenchServerModule, imports: [AppModule.with(config), PlainInsertModule] };
  }
}

const config = loadOrderServiceConfig();
void bootstrapHttpApp(BenchServerModule.with(config), {
  serviceName: 'order-service',
  port: config.ORDER_HTTP_PORT,
  metricsPort: config.ORDER_METRICS_PORT,
  host: config.HTTP_HOST,
  logLevel: config.LOG_LEVEL,
  tracing,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  mapError: mapOrderError,
});
