import { SetMetadata } from '@nestjs/common';
import type { EventType } from '@platform/contracts';

export const HANDLE_EVENT = Symbol('platform.messaging.handle-event');

/**
 * Marks a provider method as the handler of one event type for the app's consumer group:
 *
 *   @HandleEvent('OrderPlaced')
 *   async onOrderPlaced(event: EventOf<'OrderPlaced'>, ctx: MessageContext) { ... }
 *
 * One handler per type per app; the runtime calls it with the decoded event at its latest
 * version. Throw RetriableError/PermanentError (or any error with `retriable`) to fail.
 */
export const HandleEvent = (type: EventType): MethodDecorator => SetMetadata(HANDLE_EVENT, type);

/**
 * Marks the handler of what an app's own `decode` (MessagingModuleOptions.decode) returns, for
 * records that are not catalog events: e.g. the DLQ app decodes every dead letter, whatever its
 * bytes, to `{ type: 'DeadLetter', ... }` and handles it with `@HandleRecord('DeadLetter')`.
 */
export const HandleRecord = (type: string): MethodDecorator => SetMetadata(HANDLE_EVENT, type);
