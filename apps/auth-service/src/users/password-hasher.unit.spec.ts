import { PasswordHasher } from './password-hasher';

// Low cost keeps the suite fast; the format and the comparison are what is under test.
const hasher = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

describe('PasswordHasher', () => {
  it('accepts the password it hashed and refuses another one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', stored)).toBe(false);
  });

  it('stores a self-describing string with a fresh salt per hash', async () => {
    const a = await hasher.hash('same password');
    const b = await hasher.hash('same password');
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('verifies a hash made with other parameters, read from the stored string', async () => {
    const stored = await new PasswordHasher({ N: 2 ** 11, r: 8, p: 1 }).hash('pw');
    expect(await hasher.verify('pw', stored)).toBe(true);
  });

  it('refuses a malformed stored value instead of throwing', async () => {
    expect(await hasher.verify('pw', 'plaintext')).toBe(false);
    expect(await hasher.verify('pw', 'scrypt$x$8$1$c2FsdA$aGFzaA')).toBe(false);
  });
});
