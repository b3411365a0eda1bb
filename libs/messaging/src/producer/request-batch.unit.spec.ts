import type { OutgoingRecord } from '../client/kafka-client';
import { recordBytes, takeRequest } from './request-batch';

const publish = (name: string, valueBytes: number, count = 1) => ({
  name,
  messages: Array.from({ length: count }, (): OutgoingRecord => ({
    key: 'k',
    value: Buffer.alloc(valueBytes),
  })),
});

describe('takeRequest', () => {
  it('fills a request up to the message and byte limits, in publish order', () => {
    const queue = [publish('a', 100), publish('b', 100, 3), publish('c', 100)];
    expect(takeRequest(queue, { maxMessages: 4, maxBytes: 10_000 }).map((p) => p.name)).toEqual(['a', 'b']);
    expect(queue.map((p) => p.name)).toEqual(['c']);
  });

  it('sends a publish larger than the byte limit alone, so it cannot fail the others with it', () => {
    const queue = [publish('small', 100), publish('huge', 1_000_000), publish('after', 100)];
    const limits = { maxMessages: 10_000, maxBytes: 512 * 1024 };
    expect(takeRequest(queue, limits).map((p) => p.name)).toEqual(['small']);
    expect(takeRequest(queue, limits).map((p) => p.name)).toEqual(['huge']);
    expect(takeRequest(queue, limits).map((p) => p.name)).toEqual(['after']);
  });

  it('counts keys, values and every header value in a record', () => {
    const bare = recordBytes({ key: null, value: null });
    expect(
      recordBytes({ key: 'abc', value: Buffer.alloc(10), headers: { h: ['12', Buffer.alloc(3)] } }),
    ).toBe(bare + 3 + 10 + (1 + 2) + (1 + 3));
  });
});
