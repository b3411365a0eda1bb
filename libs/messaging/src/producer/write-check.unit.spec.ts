import { acksOf } from './write-check';

describe('checking a send against where its records were routed', () => {
  it('gives each record its offset: the base offset of its partition plus its place there', () => {
    const answer = [
      { topic: 'orders', partition: 3, baseOffset: '100' },
      { topic: 'orders', partition: 7, baseOffset: 5n },
      { topic: 'other', partition: 3, baseOffset: '0' },
    ];
    expect(acksOf('orders', [3, 7, 3], answer)).toEqual([
      { topic: 'orders', partition: 3, offset: '100' },
      { topic: 'orders', partition: 7, offset: '5' },
      { topic: 'orders', partition: 3, offset: '101' },
    ]);
  });

  it('finds a record acknowledged in a partition the answer does not name', () => {
    const partial = [{ topic: 'orders', partition: 3, baseOffset: '0' }];
    expect(acksOf('orders', [3, 7], partial)).toEqual([
      { topic: 'orders', partition: 3, offset: '0' },
      undefined,
    ]);
    expect(acksOf('orders', [3], [])).toEqual([undefined]);
  });
});
