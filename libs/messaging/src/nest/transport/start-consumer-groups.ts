import type { INestApplication } from '@nestjs/common';
import { MessagingLifecycle } from '../messaging.lifecycle';

/**
 * Makes the app a hybrid app: connects each consumer group of MessagingModule's options as a
 * Nest microservice (inheriting the app's global pipes, guards, interceptors and filters), then
 * initialises the app (the producer connects, owned topics are created) and starts the groups.
 * Called by main.ts (bootstrapHttpApp's `configure`) and by tests, before the app listens; it
 * resolves once every group consumes or waits for what it needs (see MessagingLifecycle).
 */
export async function startConsumerGroups(app: INestApplication): Promise<void> {
  for (const strategy of app.get(MessagingLifecycle).transports()) {
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  }
  await app.init();
  await app.startAllMicroservices();
}
