import { Teardown } from './harness';

describe("a run's teardown", () => {
  it('undoes the steps in reverse order, each one once', async () => {
    const undone: string[] = [];
    const teardown = new Teardown();
    for (const step of ['broker', 'database', 'app']) teardown.add(step, async () => undone.push(step));

    await Promise.all([teardown.run(), teardown.run()]);

    expect(undone).toEqual(['app', 'database', 'broker']);
  });

  it('runs every step when one fails, and says which one failed and why', async () => {
    const undone: string[] = [];
    const teardown = new Teardown();
    teardown.add('remove the broker', async () => undone.push('broker'));
    teardown.add('drop database bench_orders_x', async () => {
      throw new Error('server closed the connection');
    });
    teardown.add('stop order-service', async () => undone.push('app'));

    const failed = await teardown.run();

    expect(undone).toEqual(['app', 'broker']);
    expect(failed).toEqual(['drop database bench_orders_x: server closed the connection']);
  });
});
