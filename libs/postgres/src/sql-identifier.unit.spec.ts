import { assertIdentifier } from './sql-identifier';

describe('assertIdentifier', () => {
  it('passes a plain lowercase name through', () => {
    expect(assertIdentifier('processed_events')).toBe('processed_events');
  });

  it('refuses a name that could smuggle SQL, or one that would need quoting', () => {
    expect(() => assertIdentifier('outbox; DROP TABLE users')).toThrow(
      /not a plain lowercase SQL identifier/,
    );
    expect(() => assertIdentifier('Outbox')).toThrow(/not a plain lowercase SQL identifier/);
    expect(() => assertIdentifier('1outbox')).toThrow(/not a plain lowercase SQL identifier/);
  });
});
