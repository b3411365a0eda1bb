import { backoffMs, isConnectError, mayRetry } from './retry-policy';

describe('retry policy', () => {
  it('retries idempotent requests without a body only', () => {
    expect(mayRetry('GET', false)).toBe(true);
    expect(mayRetry('DELETE', false)).toBe(true);
    expect(mayRetry('PUT', true)).toBe(false);
    expect(mayRetry('POST', false)).toBe(false);
    expect(mayRetry('PATCH', false)).toBe(false);
  });

  it('recognises a refused connection, also when wrapped', () => {
    expect(isConnectError({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isConnectError(new Error('fetch failed', { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isConnectError({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe(false);
  });

  it('doubles the backoff bound per attempt', () => {
    expect(backoffMs(1, 50, () => 1)).toBe(50);
    expect(backoffMs(3, 50, () => 1)).toBe(200);
    expect(backoffMs(3, 50, () => 0)).toBe(0);
  });
});
