import { loginBodySchema } from '../../sessions/http/sessions.schemas';
import { registerBodySchema } from './users.schemas';

const NUL = String.fromCharCode(0);
const LONE_SURROGATE = '\ud800';
const RTL_OVERRIDE = '\u202e';

function refusedFields(schema: typeof registerBodySchema | typeof loginBodySchema, body: unknown): string[] {
  const result = schema.safeParse(body);
  return [...new Set(result.error?.issues.map((issue) => issue.path.join('.')) ?? [])];
}

describe('registerBodySchema', () => {
  const body = { email: 'ada@example.com', password: 'a long enough password' };

  it('takes an optional display name of 1 to 100 characters', () => {
    expect(registerBodySchema.parse({ ...body, displayName: ' Ada ' }).displayName).toBe('Ada');
  });

  // Found by `npm run fuzz:http` probing: PostgreSQL refused the NUL and the answer was a 500.
  it('refuses a display name holding NUL, which PostgreSQL cannot store', () => {
    expect(refusedFields(registerBodySchema, { ...body, displayName: `Ada${NUL}` })).toEqual(['displayName']);
  });

  it.each([
    ['a lone UTF-16 surrogate', `Ada${LONE_SURROGATE}`],
    ['an RTL override', `Ada${RTL_OVERRIDE}gpj.exe`],
    ['100 kB', 'x'.repeat(100_000)],
  ])('refuses %s in the display name, naming the field', (_, displayName) => {
    expect(refusedFields(registerBodySchema, { ...body, displayName })).toEqual(['displayName']);
  });

  it.each([
    ['a lone UTF-16 surrogate', `ada${LONE_SURROGATE}@example.com`],
    ['NUL', `ada${NUL}@example.com`],
    ['an RTL override', `ada${RTL_OVERRIDE}@example.com`],
    ['100 kB', `${'x'.repeat(100_000)}@example.com`],
  ])('refuses %s in the email, naming the field', (_, email) => {
    expect(refusedFields(registerBodySchema, { ...body, email })).toEqual(['email']);
  });

  it('refuses a password with a lone surrogate or out of 12..128 code points, naming the field', () => {
    expect(
      refusedFields(registerBodySchema, { ...body, password: `a long password${LONE_SURROGATE}` }),
    ).toEqual(['password']);
    expect(refusedFields(registerBodySchema, { ...body, password: 'x'.repeat(100_000) })).toEqual([
      'password',
    ]);
    expect(refusedFields(registerBodySchema, { ...body, password: 'short' })).toEqual(['password']);
  });

  it('counts a password in code points: 12 emoji are long enough, 129 are too long', () => {
    expect(registerBodySchema.safeParse({ ...body, password: '🔑'.repeat(12) }).success).toBe(true);
    expect(refusedFields(registerBodySchema, { ...body, password: '🔑'.repeat(129) })).toEqual(['password']);
  });

  it('leaves the rest of a password to the user: spaces kept, NUL and RTL marks allowed', () => {
    const password = `  ${NUL}${RTL_OVERRIDE} my own rules  `;
    expect(registerBodySchema.parse({ ...body, password }).password).toBe(password);
  });
});

describe('loginBodySchema', () => {
  it('refuses a password that cannot be encoded, and a 100 kB one, naming the field', () => {
    const body = { email: 'ada@example.com' };
    expect(refusedFields(loginBodySchema, { ...body, password: LONE_SURROGATE })).toEqual(['password']);
    expect(refusedFields(loginBodySchema, { ...body, password: 'x'.repeat(100_000) })).toEqual(['password']);
  });
});
