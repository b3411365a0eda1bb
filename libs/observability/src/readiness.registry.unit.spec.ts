import pino from 'pino';
import { DuplicateReadinessCheck, ReadinessRegistry } from './readiness.registry';

describe('ReadinessRegistry', () => {
  const registry = () =>
    new ReadinessRegistry({ serviceName: 'test', readinessTimeoutMs: 30 }, pino({ level: 'silent' }));

  it('runs every check and reports each one by name', async () => {
    const readiness = registry();
    readiness.register({ name: 'postgres', check: async () => undefined });
    readiness.register({ name: 'redis', check: () => Promise.reject('NOAUTH') });

    const results = await readiness.run();

    expect(results).toEqual([
      { name: 'postgres', ok: true, durationMs: expect.any(Number) },
      { name: 'redis', ok: false, durationMs: expect.any(Number), error: 'NOAUTH' },
    ]);
  });

  it('fails a check that exceeds the default timeout, and honours a check-specific one', async () => {
    const readiness = registry();
    const slow = () => new Promise((resolve) => setTimeout(resolve, 60));
    readiness.register({ name: 'slow', check: slow });
    readiness.register({ name: 'patient', check: slow, timeoutMs: 500 });

    const [slowResult, patientResult] = await readiness.run();

    expect(slowResult).toMatchObject({ ok: false, error: 'timed out after 30 ms' });
    expect(patientResult).toMatchObject({ ok: true });
  });

  it('counts a check that throws synchronously as failed instead of failing the probe', async () => {
    const readiness = registry();
    readiness.register({
      name: 'broken',
      check: () => {
        throw new Error('not connected');
      },
    });
    expect(await readiness.run()).toEqual([expect.objectContaining({ ok: false, error: 'not connected' })]);
  });

  it('refuses a second check with the same name, or the reserved name shutdown', () => {
    const readiness = registry();
    readiness.register({ name: 'postgres', check: async () => undefined });
    expect(() => readiness.register({ name: 'postgres', check: async () => undefined })).toThrow(
      DuplicateReadinessCheck,
    );
    expect(() => readiness.register({ name: 'shutdown', check: async () => undefined })).toThrow(
      DuplicateReadinessCheck,
    );
  });

  it('forgets a check once unregistered', async () => {
    const readiness = registry();
    const unregister = readiness.register({ name: 'postgres', check: async () => undefined });
    unregister();
    expect(await readiness.run()).toEqual([]);
  });

  it('stays not ready once shutdown begins, however Nest is closed', () => {
    const bySignal = registry();
    bySignal.markShuttingDown();
    const byAppClose = registry();
    byAppClose.onModuleDestroy();
    expect([bySignal.isShuttingDown(), byAppClose.isShuttingDown(), registry().isShuttingDown()]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
