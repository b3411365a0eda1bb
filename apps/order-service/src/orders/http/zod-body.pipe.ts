import { zodPipe } from '@platform/service-edge';
import { InvalidBody } from './order-http.errors';

/**
 * Validates a body at the edge (400 ORDER.INVALID_BODY, one error per field: a field the shape
 * does not take is named by its own path); code behind it trusts the parsed type.
 */
export const ZodBodyPipe = zodPipe({
  invalid: (errors) => new InvalidBody(errors),
  whole: '(body)',
  perField: true,
});
