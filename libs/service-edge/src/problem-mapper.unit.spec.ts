import { IdentityHeaderError } from '@platform/identity';
import { problemMapper } from './problem-mapper';

abstract class ShopError extends Error {
  abstract readonly code: string;
}

class NotFound extends ShopError {
  readonly code = 'SHOP.NOT_FOUND';
}

class InvalidRequest extends ShopError {
  readonly code = 'SHOP.INVALID_REQUEST';
  constructor(readonly errors: { path: string; message: string }[]) {
    super('the request is invalid');
  }
}

class RuleBroken extends ShopError {
  readonly code = 'SHOP.RULE';
  constructor(readonly field?: string) {
    super('a rule is broken');
  }
}

class Busy extends ShopError {
  readonly code = 'SHOP.BUSY';
}

const storeDown = Object.assign(new Error('connect ECONNREFUSED'), { storeDown: true });

const mapShopError = problemMapper({
  errors: [
    [NotFound, 404, 'Not found'],
    [InvalidRequest, 400, 'Invalid request'],
    [
      RuleBroken,
      (error: RuleBroken) =>
        error.field
          ? { status: 422, title: 'Rule broken', errors: [{ path: error.field, message: error.message }] }
          : { status: 409, title: 'Not now' },
    ],
    [Busy, 503, 'Busy', { retryAfter: 5 }],
    [ShopError, 500, 'Internal error'],
  ],
  unavailable: [
    { when: (error) => (error as { storeDown?: boolean }).storeDown === true, store: 'the shop store' },
  ],
});

describe('problemMapper', () => {
  it('answers an identity header it cannot trust with 401, in every app', () => {
    const error = new IdentityHeaderError('the identity signature does not verify');
    expect(mapShopError(error)).toEqual({
      status: 401,
      title: 'Unauthenticated',
      code: 'IDENTITY.UNTRUSTED_HEADERS',
      detail: 'the identity signature does not verify',
    });
  });

  it('answers an outage of a store with 503 and Retry-After, naming the store', () => {
    expect(mapShopError(storeDown)).toEqual({
      status: 503,
      title: 'Service Unavailable',
      code: 'SERVICE.DEPENDENCY_UNAVAILABLE',
      detail: 'the shop store is unreachable right now; retry shortly',
      retryAfterSeconds: 1,
    });
  });

  it("maps a row's error to its status and title, with the error's code and message", () => {
    expect(mapShopError(new NotFound('no order 7'))).toEqual({
      status: 404,
      title: 'Not found',
      code: 'SHOP.NOT_FOUND',
      detail: 'no order 7',
    });
  });

  it('shows the field errors an error carries', () => {
    const errors = [{ path: 'lines.0.sku', message: 'is required' }];
    expect(mapShopError(new InvalidRequest(errors))).toMatchObject({ status: 400, errors });
  });

  it('lets a row compute the problem from the error, extensions included', () => {
    expect(mapShopError(new RuleBroken('currency'))).toEqual({
      status: 422,
      title: 'Rule broken',
      code: 'SHOP.RULE',
      detail: 'a rule is broken',
      errors: [{ path: 'currency', message: 'a rule is broken' }],
    });
    expect(mapShopError(new RuleBroken())).toMatchObject({ status: 409, title: 'Not now' });
  });

  it('adds the fixed extensions of a row', () => {
    expect(mapShopError(new Busy('replay not published'))).toMatchObject({ status: 503, retryAfter: 5 });
  });

  it('takes the first row that matches, so a root type is the fallback of its subclasses', () => {
    class Other extends ShopError {
      readonly code = 'SHOP.OTHER';
    }
    expect(mapShopError(new Other('odd'))).toMatchObject({
      status: 500,
      title: 'Internal error',
      code: 'SHOP.OTHER',
    });
  });

  it('leaves an error of no row to the defaults', () => {
    expect(mapShopError(new Error('a bug'))).toBeUndefined();
    expect(mapShopError('a string')).toBeUndefined();
  });
});
