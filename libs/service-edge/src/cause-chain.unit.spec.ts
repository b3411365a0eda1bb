import { causeChain } from './cause-chain';

describe('causeChain', () => {
  it('lists an error and its causes, outermost first', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const query = new Error('query failed', { cause: socket });
    const outer = new Error('request failed', { cause: query });

    expect(causeChain(outer)).toEqual([outer, query, socket]);
  });

  it('stops after five links, so a cycle of causes ends', () => {
    const looped = new Error('a') as Error & { cause?: unknown };
    looped.cause = looped;

    expect(causeChain(looped)).toHaveLength(5);
  });

  it('is empty for nothing thrown, and one item for a value that is not an error', () => {
    expect(causeChain(undefined)).toEqual([]);
    expect(causeChain('down')).toEqual(['down']);
  });
});
