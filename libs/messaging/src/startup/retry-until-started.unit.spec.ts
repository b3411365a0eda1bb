import { KafkaJSProtocolError } from 'kafkajs';
import { TopicSpecMismatch, TopicsMissing } from '../topic-admin';
import { retryUntilStarted, type StartRetry } from './retry-until-started';

const backoff = { initialBackoffMs: 1, maxBackoffMs: 2, multiplier: 2 };
const notHosted = () =>
  new KafkaJSProtocolError({
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
    code: 3,
    retriable: true,
    message: 'This server does not host this topic-partition',
  } as unknown as Error);

/** A start step that fails with each of `failures` in turn, then resolves with 'started'. */
function stepFailing(...failures: unknown[]) {
  let calls = 0;
  const step = async () => {
    const failure = failures[calls++];
    if (failure !== undefined) throw failure;
    return 'started';
  };
  return { step, calls: () => calls };
}

describe('retryUntilStarted', () => {
  it('tries a step again after each retriable failure until it starts, reporting every wait', async () => {
    const retries: StartRetry[] = [];
    const { step, calls } = stepFailing(new TopicsMissing(['order.events']), notHosted());
    const value = await retryUntilStarted('consumer group g', step, {
      backoff,
      signal: new AbortController().signal,
      onRetry: (retry) => retries.push(retry),
    });
    expect(value).toBe('started');
    expect(calls()).toBe(3);
    expect(retries.map(({ part, attempt, reason }) => ({ part, attempt, reason }))).toEqual([
      {
        part: 'consumer group g',
        attempt: 1,
        reason: 'waiting for topics: order.events (created by order-service)',
      },
      {
        part: 'consumer group g',
        attempt: 2,
        reason: 'KafkaJSProtocolError: This server does not host this topic-partition',
      },
    ]);
  });

  it('rejects with a failure that waiting cannot fix, without trying again', async () => {
    const mismatch = new TopicSpecMismatch('order.events', 'has 3 partitions');
    const { step, calls } = stepFailing(mismatch);
    await expect(
      retryUntilStarted('topics', step, {
        backoff,
        signal: new AbortController().signal,
        onRetry: () => undefined,
      }),
    ).rejects.toBe(mismatch);
    expect(calls()).toBe(1);
  });

  it('stops waiting at once when the app shuts down', async () => {
    const stop = new AbortController();
    const { step } = stepFailing(...Array.from({ length: 1_000 }, () => new TopicsMissing(['order.events'])));
    const waiting = retryUntilStarted('consumer group g', step, {
      backoff: { initialBackoffMs: 60_000, maxBackoffMs: 60_000, multiplier: 1 },
      signal: stop.signal,
      onRetry: () => stop.abort(),
    });
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
