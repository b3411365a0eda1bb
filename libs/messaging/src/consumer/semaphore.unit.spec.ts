import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('runs at most `permits` tasks at once, in arrival order', async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let maxRunning = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = [0, 1, 2, 3].map((n) =>
      slots.run(async () => {
        started.push(n);
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      }),
    );
    while (releases.length < 2) await Promise.resolve();
    expect(started).toEqual([0, 1]);
    releases.shift()?.();
    while (started.length < 3) await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    while (releases.length > 0 || started.length < 4) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(tasks);
    expect(maxRunning).toBe(2);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('frees the permit when a task fails', async () => {
    const slots = new Semaphore(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('keeps FIFO order through thousands of waiters, compacting its queue on the way', async () => {
    const slots = new Semaphore(1);
    const order: number[] = [];
    let release: () => void = () => undefined;
    const first = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    const rest = Array.from({ length: 5_000 }, (_, n) => slots.run(async () => void order.push(n)));
    expect(slots.waiting).toBe(5_000);
    release();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(Array.from({ length: 5_000 }, (_, n) => n));
    expect(slots.waiting).toBe(0);
  });
});
