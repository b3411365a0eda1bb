import { zodPipe } from '@platform/service-edge';
import { InvalidBody } from './order-http.errors';

/** Validates one path parameter, `new ZodParamPipe(schema, 'sku')`; a bad one is a 400 naming it, like a bad body field. */
export const ZodParamPipe = zodPipe({ invalid: (errors) => new InvalidBody(errors) });
