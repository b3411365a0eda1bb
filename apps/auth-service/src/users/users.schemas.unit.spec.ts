import { registerBodySchema } from './users.schemas';

describe('registerBodySchema', () => {
  const body = { email: 'ada@example.com', password: 'a long enough password' };

  it('takes an optional display name of 1 to 100 characters', () => {
    expect(registerBodySchema.parse({ ...body, displayName: ' Ada ' }).displayName).toBe('Ada');
  });

  // Found by `npm run fuzz:http` probing: PostgreSQL refused the NUL and the answer was a 500.
  it('refuses a display name holding NUL, which PostgreSQL cannot store', () => {
    const result = registerBodySchema.safeParse({ ...body, displayName: `Ada${String.fromCharCode(0)}` });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['displayName']);
  });
});
