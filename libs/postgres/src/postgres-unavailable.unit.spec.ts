import { isPostgresUnavailable } from './postgres-unavailable';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('isPostgresUnavailable', () => {
  it('recognises a server that is shutting down, starting or unreachable', () => {
    expect(isPostgresUnavailable(pgError('57P01'))).toBe(true); // terminating connection (admin shutdown)
    expect(isPostgresUnavailable(pgError('57P03'))).toBe(true); // the database system is shutting down
    expect(isPostgresUnavailable(pgError('08006'))).toBe(true); // connection failure
    expect(isPostgresUnavailable(pgError('ECONNREFUSED'))).toBe(true);
  });

  it("looks through TypeORM's QueryFailedError and error causes", () => {
    const typeorm = Object.assign(new Error('QueryFailedError'), { driverError: pgError('57P01') });
    expect(isPostgresUnavailable(typeorm)).toBe(true);
    expect(isPostgresUnavailable(new Error('outer', { cause: pgError('ECONNRESET') }))).toBe(true);
  });

  it('does not mistake a rejected statement for an outage', () => {
    expect(isPostgresUnavailable(pgError('23505'))).toBe(false); // unique violation
    expect(isPostgresUnavailable(pgError('40001'))).toBe(false); // serialization failure
    expect(isPostgresUnavailable(new Error('a bug'))).toBe(false);
    expect(isPostgresUnavailable(undefined)).toBe(false);
  });
});
