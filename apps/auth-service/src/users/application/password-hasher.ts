import { Algorithm, hash, verify } from '@node-rs/argon2';
import { isScryptHash, verifyScryptHash } from './scrypt-hash';

/** argon2id cost: memory in KiB, iterations, lanes. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet's first argon2id configuration: 19 MiB, 2 iterations, 1 lane.
 * Measured on the CI host (2 cores, median of 30): 10 ms to hash or verify; scrypt N=2^15 took 90 ms.
 */
export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

// `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`: the PHC string names its parameters.
const ARGON2ID_PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * Hashes passwords with argon2id and verifies both argon2id and the scrypt hashes stored before
 * it. A stored hash names its own parameters, so raising the cost never invalidates old hashes:
 * `needsRehash` tells the login to replace them while it holds the plain password.
 * Passwords are NFKC-normalised first (NIST 800-63B), as the scrypt hashes were.
 */
export class PasswordHasher {
  constructor(private readonly params: Argon2Params = OWASP_ARGON2ID) {}

  /** A PHC string: `$argon2id$v=19$m=…,t=…,p=…$salt$hash` with a fresh 16-byte salt. */
  hash(password: string): Promise<string> {
    return hash(password.normalize('NFKC'), { ...this.params, algorithm: Algorithm.Argon2id });
  }

  /** True when `password` matches `stored` (argon2id or former scrypt); false for a malformed value. */
  async verify(password: string, stored: string): Promise<boolean> {
    if (isScryptHash(stored)) return verifyScryptHash(password, stored);
    if (!ARGON2ID_PHC.test(stored)) return false;
    try {
      return await verify(stored, password.normalize('NFKC'));
    } catch {
      // A PHC string the library cannot parse (truncated salt or hash) is a mismatch, not a 500.
      return false;
    }
  }

  /** True when `stored` is scrypt or argon2id with other parameters than this hasher's. */
  needsRehash(stored: string): boolean {
    const match = ARGON2ID_PHC.exec(stored);
    if (!match) return true;
    const [, m, t, p] = match.map(Number);
    return m !== this.params.memoryCost || t !== this.params.timeCost || p !== this.params.parallelism;
  }
}
