import { runMigrateCommand } from '@platform/postgres';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { PersistenceModule } from '../persistence/persistence.module';

/** `node main.js migrate`: applies pending migrations and exits (see runMigrateCommand). */
export function migrate(config: AuthServiceConfig): Promise<void> {
  return runMigrateCommand({
    serviceName: 'auth-service',
    logLevel: config.LOG_LEVEL,
    imports: [PersistenceModule],
    providers: [{ provide: AUTH_SERVICE_CONFIG, useValue: config }],
  });
}
