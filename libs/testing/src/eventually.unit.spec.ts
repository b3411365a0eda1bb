import { eventually } from './eventually';

describe('eventually', () => {
  it('resolves with the value once the probe stops failing', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('treats false as not yet', async () => {
    let calls = 0;
    await eventually(() => ++calls >= 2, { intervalMs: 1 });
    expect(calls).toBe(2);
  });

  it('gives up after the timeout with the last failure as the reason', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('broker unavailable');
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow(/not met within 30 ms: broker unavailable/);
  });
});
