import { OWASP_ARGON2ID, PasswordHasher } from './password-hasher';
import { scryptHash } from './scrypt-hash';

// Low cost keeps the suite fast; the format, the comparison and the migration are under test.
const cheap = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const hasher = new PasswordHasher(cheap);

describe('PasswordHasher', () => {
  it('accepts the password it hashed and refuses another one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', stored)).toBe(false);
  });

  it('stores argon2id as a PHC string naming its parameters, with a fresh salt per hash', async () => {
    const a = await hasher.hash('same password');
    const b = await hasher.hash('same password');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[\w+/]{22}\$[\w+/]{43}$/);
    expect(a).not.toBe(b);
  });

  it('uses the OWASP argon2id parameters by default: 19 MiB, 2 iterations, 1 lane', async () => {
    expect(await new PasswordHasher().hash('a long enough password')).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/,
    );
    expect(OWASP_ARGON2ID).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('verifies a scrypt hash stored before argon2id, and asks for it to be rehashed', async () => {
    const legacy = await scryptHash('correct horse battery staple', { N: 2 ** 10, r: 8, p: 1 });
    expect(await hasher.verify('correct horse battery staple', legacy)).toBe(true);
    expect(await hasher.verify('wrong horse battery staple', legacy)).toBe(false);
    expect(hasher.needsRehash(legacy)).toBe(true);
  });

  it('asks for a rehash only when the stored parameters differ from the current ones', async () => {
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    const older = await new PasswordHasher({ ...cheap, timeCost: 2 }).hash('pw');
    expect(await hasher.verify('pw', older)).toBe(true);
    expect(hasher.needsRehash(older)).toBe(true);
  });

  it('treats equivalent Unicode spellings as one password (NFKC), as the scrypt hashes did', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait, bitte');
    expect(await hasher.verify('cafe\u0301 au lait, bitte', stored)).toBe(true);
  });

  it('refuses a malformed stored value instead of throwing', async () => {
    expect(await hasher.verify('pw', 'plaintext')).toBe(false);
    expect(await hasher.verify('pw', 'scrypt$x$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(await hasher.verify('pw', '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$')).toBe(false);
  });
});
