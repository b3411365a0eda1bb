import { runMigrateCommand } from '@platform/postgres';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../config/order-service.config';
import { PersistenceModule } from '../persistence/persistence.module';

/** `node main.js migrate`: applies pending migrations and exits (see runMigrateCommand). */
export function migrate(config: OrderServiceConfig): Promise<void> {
  return runMigrateCommand({
    serviceName: 'order-service',
    logLevel: config.LOG_LEVEL,
    imports: [PersistenceModule],
    providers: [{ provide: ORDER_SERVICE_CONFIG, useValue: config }],
  });
}
