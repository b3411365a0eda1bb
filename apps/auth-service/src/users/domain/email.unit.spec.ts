import { emailField } from './email';

describe('email field', () => {
  it('normalises case and surrounding spaces so one address is one account', () => {
    expect(emailField.parse('  Alice@Example.COM ')).toBe('alice@example.com');
  });

  it('refuses SQL-looking input as an invalid email rather than passing it on', () => {
    expect(emailField.safeParse("' OR 1=1; DROP TABLE users; --").success).toBe(false);
  });
});
