import { Injectable, type NestMiddleware } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_ID_HEADER, correlationIdFrom, withCorrelationId } from './correlation';

/**
 * Gives every request a correlation id: the caller's `x-correlation-id` when acceptable, else a
 * new UUID. It is echoed in the response header, set on the request's span, and the rest of the
 * request runs inside {@link withCorrelationId}, so every log line and outgoing event carries it.
 */
@Injectable()
export class CorrelationIdMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const id = correlationIdFrom(req.headers[CORRELATION_ID_HEADER]);
    res.setHeader(CORRELATION_ID_HEADER, id);
    // Lets a trace be found from the id a user quotes in a support ticket.
    trace.getActiveSpan()?.setAttribute('correlation.id', id);
    withCorrelationId(id, next);
  }
}
