import { CircuitBreaker, type CircuitState } from './circuit-breaker';

function breaker(overrides: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  const clock = { now: 0 };
  const states: CircuitState[] = [];
  const cb = new CircuitBreaker(
    { failureThreshold: 3, failureRatio: 0.5, window: 10, openMs: 1_000, now: () => clock.now, ...overrides },
    (s) => states.push(s),
  );
  return { cb, clock, states };
}

const fail = (cb: CircuitBreaker, times: number) => {
  for (let i = 0; i < times; i += 1) {
    expect(cb.tryAcquire()).toBe(true);
    cb.failure();
  }
};

describe('circuit breaker', () => {
  it('stays closed while failures are not consecutive enough', () => {
    const { cb } = breaker();
    fail(cb, 2);
    cb.success();
    fail(cb, 2);
    expect(cb.current).toBe('closed');
  });

  it('opens after N consecutive failures and refuses calls without trying', () => {
    const { cb, clock } = breaker();
    fail(cb, 3);
    expect(cb.current).toBe('open');
    clock.now = 400;
    expect(cb.tryAcquire()).toBe(false);
    expect(cb.retryAfterMs()).toBe(600);
  });

  it('opens when the failure ratio over the window is reached, even without a streak', () => {
    const { cb } = breaker({ failureThreshold: 100 });
    for (let i = 0; i < 5; i += 1) {
      cb.tryAcquire();
      cb.success();
      cb.tryAcquire();
      cb.failure();
    }
    expect(cb.current).toBe('open');
  });

  it('lets exactly one probe through once the open period is over', () => {
    const { cb, clock } = breaker();
    fail(cb, 3);
    clock.now = 1_000;
    expect(cb.tryAcquire()).toBe(true);
    expect(cb.current).toBe('half-open');
    expect(cb.tryAcquire()).toBe(false);
  });

  it('closes when the half-open probe succeeds', () => {
    const { cb, clock, states } = breaker();
    fail(cb, 3);
    clock.now = 1_000;
    cb.tryAcquire();
    cb.success();
    expect(cb.current).toBe('closed');
    expect(cb.tryAcquire()).toBe(true);
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again for a full period when the probe fails', () => {
    const { cb, clock } = breaker();
    fail(cb, 3);
    clock.now = 1_000;
    cb.tryAcquire();
    cb.failure();
    expect(cb.current).toBe('open');
    clock.now = 1_999;
    expect(cb.tryAcquire()).toBe(false);
    clock.now = 2_000;
    expect(cb.tryAcquire()).toBe(true);
  });
});
