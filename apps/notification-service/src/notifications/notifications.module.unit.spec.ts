import { NotificationsController } from './http/notifications.controller';
import { DeliveryWorker } from './messaging/delivery.worker';
import { EventReactions } from './messaging/event-reactions';
import { NotificationsModule } from './notifications.module';

describe('NotificationsModule.forRoles', () => {
  it('registers only the handlers of the roles an instance runs: a group it does not run has none', () => {
    expect(NotificationsModule.forRoles(['worker']).controllers).toEqual([
      NotificationsController,
      DeliveryWorker,
    ]);
    expect(NotificationsModule.forRoles(['events']).controllers).toEqual([
      NotificationsController,
      EventReactions,
    ]);
    expect(NotificationsModule.forRoles(['events', 'worker']).controllers).toEqual([
      NotificationsController,
      EventReactions,
      DeliveryWorker,
    ]);
  });
});
