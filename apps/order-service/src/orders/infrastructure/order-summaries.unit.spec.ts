import { decodeCursor, encodeCursor } from './order-summaries';

describe('order list cursors', () => {
  it('decode to the position they were made from', () => {
    const position = {
      placedAt: '2026-11-25T14:00:00.123Z',
      orderId: '0b6f4a3e-5d8c-4e0b-9a57-1f2d3c4b5a69',
    };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    'bogus',
    '',
    Buffer.from('s:12').toString('base64url'),
    Buffer.from('p:2026-13-45T99:00:00.000Z|x').toString('base64url'),
    Buffer.from("p:2026-11-25T14:00:00.123Z|x' OR 1=1").toString('base64url'),
  ])('reject %p, which this list did not make', (cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
