import { ReplayRate } from './replay-rate';

describe('ReplayRate', () => {
  it('lets the first replay go at once and spaces the next ones 1/rate apart', async () => {
    const slept: number[] = [];
    const rate = new ReplayRate(
      4,
      () => 10_000,
      async (ms) => void slept.push(ms),
    );
    for (let i = 0; i < 4; i++) await rate.take();
    expect(slept).toEqual([250, 500, 750]);
  });

  it('does not save up unused time while idle', async () => {
    let now = 0;
    const slept: number[] = [];
    const rate = new ReplayRate(
      10,
      () => now,
      async (ms) => void slept.push(ms),
    );
    await rate.take();
    now = 60_000;
    await rate.take();
    await rate.take();
    expect(slept).toEqual([100]);
  });
});
