import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { createLogger, ObservabilityModule, type Logger } from '@platform/observability';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../config/auth-service.config';
import { AuthError } from '../errors/auth.errors';
import { PersistenceModule } from '../persistence/persistence.module';
import { RedisModule } from '../redis/redis.module';
import { RoleAssignments } from '../roles/application/role-assignments';
import { RevocationList } from '../tokens/infrastructure/revocation-list';
import { emailField } from '../users/domain/email';

@Module({})
class BootstrapAdminModule {
  /** The identity store and the revocation list: no Kafka (the outbox relay sends the event later), no HTTP. */
  static with(config: AuthServiceConfig, logger: Logger): DynamicModule {
    return {
      module: BootstrapAdminModule,
      global: true,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'auth-service', logger, defaultMetrics: false }),
        PersistenceModule,
        RedisModule,
      ],
      providers: [{ provide: AUTH_SERVICE_CONFIG, useValue: config }, RevocationList, RoleAssignments],
      exports: [AUTH_SERVICE_CONFIG],
    };
  }
}

/**
 * `node main.js bootstrap-admin <email>`: grants the admin role to the registered account of
 * `email`, only while no admin exists; every later admin is granted by an admin through
 * PUT /users/:id/roles, so self-registration never leads to admin. Exit code 0 when granted,
 * 1 when refused (an admin exists, no such account) or failed, 2 for a bad argument.
 */
export async function bootstrapAdmin(config: AuthServiceConfig, argument: string | undefined): Promise<void> {
  const email = emailField.safeParse(argument ?? '');
  if (!email.success) {
    process.stderr.write('usage: node main.js bootstrap-admin <email of a registered account>\n');
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ serviceName: 'auth-service', level: config.LOG_LEVEL });
  let context: INestApplicationContext | undefined;
  try {
    const [{ NestFactory }, { Logger: NestPinoLogger }] = await Promise.all([
      import('@nestjs/core'),
      import('nestjs-pino'),
    ]);
    context = await NestFactory.createApplicationContext(BootstrapAdminModule.with(config, logger), {
      bufferLogs: true,
      abortOnError: false,
    });
    context.useLogger(context.get(NestPinoLogger));
    const user = await context.get(RoleAssignments).bootstrapAdmin(email.data);
    logger.info({ userId: user.id }, 'first admin granted');
    process.stdout.write(`admin granted to ${user.email} (user ${user.id})\n`);
  } catch (error) {
    if (error instanceof AuthError) {
      process.stderr.write(`bootstrap-admin refused: ${error.message} (${error.code})\n`);
    } else {
      logger.fatal({ err: error }, 'bootstrap-admin failed');
    }
    process.exitCode = 1;
  } finally {
    await context?.close();
  }
}
