import type { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';

/**
 * Parses JSON bodies as Nest does, and keeps each one's bytes as `request.rawBody`: the payment
 * provider signs the bytes it sent, and a body re-serialised from the parsed object would not be
 * those bytes. Keeping the buffer costs a reference, not a copy (the parser reads it anyway).
 * Call it before the app initialises (main's `configure`, the tests' `bootTestApp`): Nest then
 * sees a JSON parser in place and does not add its own.
 */
export function keepRawJsonBodies(app: NestExpressApplication): void {
  (app.getHttpAdapter() as ExpressAdapter).useBodyParser('json', true);
}
