import { uniqueName } from './unique-name';

describe('uniqueName', () => {
  it('makes names that are safe everywhere and differ per call', () => {
    const a = uniqueName('Smoke-Test.orders');
    expect(a).toMatch(/^smoke_test_orders_[0-9a-f]{8}$/);
    expect(uniqueName('x')).not.toBe(uniqueName('x'));
  });
});
