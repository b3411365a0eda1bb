import { isClickHouseUnavailable } from './clickhouse-unavailable';

const withCode = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:8123`), { code });

describe('isClickHouseUnavailable', () => {
  it('knows a refused, reset or timed-out connection, also as a cause', () => {
    expect(isClickHouseUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(isClickHouseUnavailable(withCode('ECONNRESET'))).toBe(true);
    expect(isClickHouseUnavailable(new Error('Timeout error.'))).toBe(true);
    expect(isClickHouseUnavailable(new Error('query failed', { cause: withCode('EHOSTUNREACH') }))).toBe(
      true,
    );
  });

  it('leaves ClickHouse’s own answers, and anything else, alone', () => {
    const syntax = Object.assign(new Error('Syntax error: failed at position 1'), {
      code: '62',
      type: 'SYNTAX_ERROR',
    });
    expect(isClickHouseUnavailable(syntax)).toBe(false);
    expect(isClickHouseUnavailable(new TypeError('x is not a function'))).toBe(false);
    expect(isClickHouseUnavailable(undefined)).toBe(false);
  });
});
