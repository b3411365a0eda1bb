import { etagOf, parseIfMatch } from './if-match';
import { InvalidIfMatch } from './order-http.errors';

describe('If-Match', () => {
  it.each([
    ['3', 3],
    ['"3"', 3],
    ['W/"12"', 12],
  ])('reads %p as version %p', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it('means no condition when absent or blank', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('  ')).toBeUndefined();
  });

  it.each(['*', 'abc', '"1", "2"', '-1'])('refuses %p with InvalidIfMatch', (header) => {
    expect(() => parseIfMatch(header)).toThrow(InvalidIfMatch);
  });

  it('takes back the ETag it gives', () => {
    expect(parseIfMatch(etagOf(42))).toBe(42);
  });
});
