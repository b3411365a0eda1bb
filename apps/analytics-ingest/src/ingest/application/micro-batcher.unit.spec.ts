import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes a batch when it is full, and resolves each add only after its batch is written', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new MicroBatcher<number>({
      maxRows: 3,
      maxWaitMs: 1_000,
      write: (rows) => {
        writes.push(rows);
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const done: number[] = [];
    const adds = [1, 2, 3].map((n) => batcher.add(n).then(() => done.push(n)));
    await Promise.resolve();
    expect(writes).toEqual([[1, 2, 3]]);
    expect(done).toEqual([]); // written, not yet acknowledged
    release();
    await Promise.all(adds);
    expect(done).toEqual([1, 2, 3]);
  });

  it('writes what it has after maxWaitMs', async () => {
    const writes: number[][] = [];
    const batcher = new MicroBatcher<number>({
      maxRows: 100,
      maxWaitMs: 500,
      write: async (rows) => void writes.push(rows),
    });
    const add = batcher.add(7);
    jest.advanceTimersByTime(499);
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(1);
    await add;
    expect(writes).toEqual([[7]]);
  });

  it('rejects every add of a batch whose write failed, and keeps writing later batches', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number>({
      maxRows: 2,
      maxWaitMs: 1_000,
      write: async () => {
        if (fail) throw new Error('store down');
      },
    });
    const failed = [batcher.add(1), batcher.add(2)].map((p) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    expect(await Promise.all(failed)).toEqual(['store down', 'store down']);
    fail = false;
    await expect(Promise.all([batcher.add(3), batcher.add(4)])).resolves.toEqual([undefined, undefined]);
  });
});
