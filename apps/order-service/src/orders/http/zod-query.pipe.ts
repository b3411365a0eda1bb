import { zodPipe } from '@platform/service-edge';
import { InvalidQuery } from './order-http.errors';

/** Validates query parameters at the edge (400 ORDER.INVALID_QUERY); code behind it trusts the parsed type. */
export const ZodQueryPipe = zodPipe({ invalid: (errors) => new InvalidQuery(errors) });
