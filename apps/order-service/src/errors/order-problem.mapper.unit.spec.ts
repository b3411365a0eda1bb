import { IdentityHeaderError } from '@platform/identity';
import { OrderNotFound } from '../orders/application/order-not-found';
import { OrderRuleViolation } from '../orders/domain/order.errors';
import { InvalidBody } from '../orders/http/order-http.errors';
import { mapOrderError } from './order-problem.mapper';

describe('mapOrderError', () => {
  it('answers a PostgreSQL restart (a failed query around a terminated connection) with 503', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const queryFailed = Object.assign(new Error(terminated.message), { driverError: terminated });
    expect(mapOrderError(queryFailed)).toMatchObject({
      status: 503,
      code: 'SERVICE.DEPENDENCY_UNAVAILABLE',
      retryAfterSeconds: 1,
    });
  });

  it('answers a caller the gateway did not sign with 401', () => {
    expect(mapOrderError(new IdentityHeaderError('the gateway identity is missing'))).toEqual({
      status: 401,
      title: 'Unauthenticated',
      code: 'IDENTITY.UNTRUSTED_HEADERS',
      detail: 'the gateway identity is missing',
    });
  });

  it('names each invalid field of a body', () => {
    const errors = [{ path: 'lines.0.sku', message: 'is required' }];
    expect(mapOrderError(new InvalidBody(errors))).toEqual({
      status: 400,
      title: 'Invalid request body',
      code: 'ORDER.INVALID_BODY',
      detail: 'the request body is invalid',
      errors,
    });
  });

  it('answers an unknown order with 404', () => {
    expect(mapOrderError(new OrderNotFound('o-1'))).toMatchObject({ status: 404, code: 'ORDER.NOT_FOUND' });
  });

  it("answers a broken rule of the request's content with 422 naming the field, and of the order's state with 409", () => {
    expect(mapOrderError(new OrderRuleViolation('ORDER.UNKNOWN_SKU', 'no SKU X', 'lines.0.sku'))).toEqual({
      status: 422,
      title: 'Order rule violated',
      code: 'ORDER.UNKNOWN_SKU',
      detail: 'no SKU X',
      errors: [{ path: 'lines.0.sku', message: 'no SKU X' }],
    });
    expect(mapOrderError(new OrderRuleViolation('ORDER.ALREADY_SHIPPED', 'shipped'))).toEqual({
      status: 409,
      title: 'Order is not in a state that allows this',
      code: 'ORDER.ALREADY_SHIPPED',
      detail: 'shipped',
    });
    expect(mapOrderError(new OrderRuleViolation('ORDER.NOT_PLACED', 'no order'))).toMatchObject({
      status: 404,
      title: 'Order not found',
    });
  });

  it('leaves an unknown error to the 500 default', () => {
    expect(mapOrderError(new Error('a bug'))).toBeUndefined();
  });
});
