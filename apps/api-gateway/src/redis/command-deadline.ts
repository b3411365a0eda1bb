/** A Redis command that did not answer within its deadline; the same command may well answer later. */
export class RedisCommandTimeout extends Error {
  override readonly name = 'RedisCommandTimeout';
  readonly retriable = true;

  constructor(readonly timeoutMs: number) {
    super(`redis did not answer within ${timeoutMs} ms`);
  }
}

/**
 * Settles as `command` does, or rejects with RedisCommandTimeout when it has not settled
 * `timeoutMs` after this call, counting only the time Redis took, not the time our own event loop
 * was busy.
 *
 * Why not ioredis's `commandTimeout`: its timer rejects in the timers phase of the event loop,
 * which runs before the loop reads its sockets. After the loop was blocked longer than the timeout
 * (a CPU-saturated host), a reply that arrived in a millisecond is still unread in the socket
 * buffer when the timer fires, and the command fails although Redis answered. Here the timer only
 * schedules the verdict with `setImmediate`, which runs after that iteration's poll phase: a reply
 * already waiting has been read and has settled the command by then.
 */
export function withCommandDeadline<T>(command: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new RedisCommandTimeout(timeoutMs));
      });
    }, timeoutMs);
    command.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
