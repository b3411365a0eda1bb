import { Module } from '@nestjs/common';
import { CallerGuard, gatewayIdentityProvider } from '@platform/identity';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { CatalogController } from '../catalog/catalog.controller';
import { CatalogProducts } from '../catalog/catalog-products';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PaymentCallbacksController } from '../payments/http/payment-callbacks.controller';
import { PaymentRecords } from '../payments/infrastructure/payment-records';
import { Payments } from '../payments/application/payments.service';
import { OrderCommands } from './application/order-commands.service';
import { OrdersController } from './http/orders.controller';
import { OrderEventStoreModule } from './infrastructure/order-event-store.module';

/**
 * Orders: the event-sourced aggregate, its store and its HTTP commands, with the two things the
 * order domain owns beside it: the catalog that prices orders and the payments that pay them.
 * One module, so the caller guard and its key are wired once for every controller of the domain.
 */
@Module({
  imports: [OrderEventStoreModule, IdempotencyModule],
  controllers: [OrdersController, CatalogController, PaymentCallbacksController],
  providers: [
    OrderCommands,
    CatalogProducts,
    Payments,
    PaymentRecords,
    CallerGuard,
    gatewayIdentityProvider(
      ORDER_SERVICE_CONFIG,
      'orders',
      (config: OrderServiceConfig) => config.GATEWAY_IDENTITY_PUBLIC_KEYS,
    ),
  ],
})
export class OrdersModule {}
