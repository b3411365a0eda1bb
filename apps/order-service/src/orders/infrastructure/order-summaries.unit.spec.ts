import { decodeCursor, encodeCursor } from './order-summaries';

describe('order list cursors', () => {
  it('decode to the position they were made from', () => {
    expect(decodeCursor(encodeCursor(9_007_199_254_740_993n))).toBe(9_007_199_254_740_993n);
  });

  it.each(['bogus', '', Buffer.from('s:-1').toString('base64url')])(
    'reject %p, which this list did not make',
    (cursor) => {
      expect(decodeCursor(cursor)).toBeUndefined();
    },
  );
});
