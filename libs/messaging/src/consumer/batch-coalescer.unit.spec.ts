import { BatchCoalescer } from './batch-coalescer';

describe('BatchCoalescer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('joins batches submitted within maxWaitMs into one call and gives each its outcome', async () => {
    const calls: number[][] = [];
    const coalescer = new BatchCoalescer<number>(100, 50, async (items) => {
      calls.push(items);
      return undefined;
    });
    const a = coalescer.submit([1, 2]);
    const b = coalescer.submit([3]);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(50);
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('calls at once when maxRecords is reached, and never cuts a batch to fit', async () => {
    const calls: number[][] = [];
    const coalescer = new BatchCoalescer<number>(4, 1_000, async (items) => {
      calls.push(items);
      return undefined;
    });
    void coalescer.submit([1, 2, 3]);
    void coalescer.submit([4, 5]); // would overflow: the first call goes alone
    expect(calls).toEqual([[1, 2, 3]]);
    void coalescer.submit([6, 7]); // reaches 4
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('calls per batch, at once, with maxWaitMs 0', () => {
    const calls: number[][] = [];
    const coalescer = new BatchCoalescer<number>(100, 0, async (items) => {
      calls.push(items);
      return undefined;
    });
    void coalescer.submit([1]);
    void coalescer.submit([2]);
    expect(calls).toEqual([[1], [2]]);
  });

  it("gives every submitter of a failed call the call's error", async () => {
    const failure = new Error('store down');
    const coalescer = new BatchCoalescer<number>(2, 1_000, async () => failure);
    const outcomes = Promise.all([coalescer.submit([1]), coalescer.submit([2])]);
    await expect(outcomes).resolves.toEqual([failure, failure]);
  });
});
