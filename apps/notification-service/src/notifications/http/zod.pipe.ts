import { zodPipe } from '@platform/service-edge';
import { InvalidRequest } from '../../errors/notification.errors';

/** Validates a query, body or parameter at the edge (400 with every problem); code behind it trusts the type. */
export const ZodPipe = zodPipe({ invalid: (errors) => new InvalidRequest(errors) });
