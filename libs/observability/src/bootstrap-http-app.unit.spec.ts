import { shutDownGracefully } from './bootstrap-http-app';

describe('shutDownGracefully', () => {
  it('turns readiness false first, then closes the app, then flushes traces', async () => {
    const order: string[] = [];
    await shutDownGracefully(
      {
        markNotReady: () => order.push('readiness false'),
        closeApp: async () => {
          order.push('app closed');
        },
        stopTracing: async () => {
          order.push('tracing flushed');
        },
      },
      0,
    );
    expect(order).toEqual(['readiness false', 'app closed', 'tracing flushed']);
  });

  it('keeps serving for the drain delay after readiness turned false', async () => {
    const events: Array<[string, number]> = [];
    const started = performance.now();
    await shutDownGracefully(
      {
        markNotReady: () => events.push(['readiness false', performance.now() - started]),
        closeApp: async () => {
          events.push(['app closed', performance.now() - started]);
        },
        stopTracing: async () => undefined,
      },
      50,
    );
    expect(events[1][1] - events[0][1]).toBeGreaterThanOrEqual(45);
  });

  it('does not flush traces of an app that failed to close, leaving the error to the caller', async () => {
    const stopTracing = jest.fn(async () => undefined);
    const failure = new Error('pool did not close');
    await expect(
      shutDownGracefully(
        { markNotReady: () => undefined, closeApp: () => Promise.reject(failure), stopTracing },
        0,
      ),
    ).rejects.toBe(failure);
    expect(stopTracing).not.toHaveBeenCalled();
  });
});
