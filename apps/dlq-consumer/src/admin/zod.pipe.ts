import { zodPipe } from '@platform/service-edge';
import { InvalidRequest } from '../errors/dlq.errors';

/** Validates a query, body or parameter at the edge (400 DLQ.INVALID_REQUEST with every problem); code behind it trusts the type. */
export const ZodPipe = zodPipe({ invalid: (errors) => new InvalidRequest(errors) });
