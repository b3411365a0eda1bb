import { RedisCommandTimeout, withCommandDeadline } from './command-deadline';

const never = () => new Promise<never>(() => undefined);

describe('a Redis command deadline', () => {
  it('passes on the answer of a command that settles in time', async () => {
    await expect(withCommandDeadline(Promise.resolve('OK'), 50)).resolves.toBe('OK');
  });

  it("passes on the command's own failure", async () => {
    const refused = new Error('Connection is closed.');
    await expect(withCommandDeadline(Promise.reject(refused), 50)).rejects.toBe(refused);
  });

  it('fails a command that does not settle within the deadline, as retriable', async () => {
    const started = performance.now();
    const error = await withCommandDeadline(never(), 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisCommandTimeout);
    expect(error).toMatchObject({ retriable: true, timeoutMs: 30 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('ignores an answer that comes after the deadline failed the command', async () => {
    let answer: (value: string) => void = () => undefined;
    const late = withCommandDeadline(new Promise<string>((resolve) => (answer = resolve)), 10);
    await expect(late).rejects.toBeInstanceOf(RedisCommandTimeout);
    answer('OK');
    await expect(late).rejects.toBeInstanceOf(RedisCommandTimeout);
  });
});
