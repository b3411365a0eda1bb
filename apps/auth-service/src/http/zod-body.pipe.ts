import { zodPipe } from '@platform/service-edge';
import { InvalidBody } from '../errors/auth.errors';

/** Validates a body at the edge (400 AUTH.INVALID_BODY naming each field); code behind it trusts the type. */
export const ZodBodyPipe = zodPipe({ invalid: (errors) => new InvalidBody(errors), whole: '(body)' });
