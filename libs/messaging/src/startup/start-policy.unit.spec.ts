import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSTimeout,
} from 'kafkajs';
import { TopicSpecMismatch, TopicsMissing } from '../topic-admin';
import { decideAfterStartFailure, isWorthLogging, isWorthWaiting, startFailureReason } from './start-policy';

// kafkajs builds its protocol errors from the broker's error codes; these are its own fields.
const protocolError = (type: string, retriable: boolean, message: string) =>
  new KafkaJSProtocolError({ type, code: 0, retriable, message } as unknown as Error);

describe('isWorthWaiting', () => {
  it.each([
    ['a topic its owner has not created yet', new TopicsMissing(['order.events'])],
    [
      'UNKNOWN_TOPIC_OR_PARTITION',
      protocolError('UNKNOWN_TOPIC_OR_PARTITION', true, 'This server does not host this topic-partition'),
    ],
    [
      'LEADER_NOT_AVAILABLE',
      protocolError('LEADER_NOT_AVAILABLE', true, 'There is no leader for this topic-partition'),
    ],
    [
      'a coordinator not available',
      protocolError('COORDINATOR_NOT_AVAILABLE', true, 'The coordinator is not available'),
    ],
    [
      'a refused connection',
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    ],
    [
      "a refused connection inside kafkajs's retries-exceeded error",
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('connect ECONNREFUSED'), {
        retryCount: 5,
        retryTime: 4_000,
      } as never),
    ],
    [
      'leaders not elected in time',
      new (KafkaJSTimeout as unknown as new (message: string) => Error)(
        'Timed out while waiting for topic leaders',
      ),
    ],
    [
      'an aggregate of topics another app created first and a retriable error',
      Object.assign(new Error('Topic creation errors'), {
        errors: [
          { type: 'TOPIC_ALREADY_EXISTS', retriable: false },
          { type: 'LEADER_NOT_AVAILABLE', retriable: true },
        ],
      }),
    ],
  ])('waits out %s', (_what, error) => {
    expect(isWorthWaiting(error)).toBe(true);
  });

  it.each([
    [
      'a topic with fewer partitions than its spec',
      new TopicSpecMismatch('order.events', 'has 3 partitions'),
    ],
    ['an ACL refusal', protocolError('TOPIC_AUTHORIZATION_FAILED', false, 'Not authorized to access topics')],
    ['an error that says nothing about itself (a bug)', new TypeError('x is not a function')],
    [
      'an aggregate with one permanent error',
      Object.assign(new Error('Topic creation errors'), {
        errors: [{ type: 'TOPIC_ALREADY_EXISTS' }, { type: 'INVALID_REPLICATION_FACTOR', retriable: false }],
      }),
    ],
  ])('fails on %s', (_what, error) => {
    expect(isWorthWaiting(error)).toBe(false);
  });
});

describe('decideAfterStartFailure', () => {
  const backoff = { initialBackoffMs: 500, maxBackoffMs: 10_000, multiplier: 2 };
  const top = () => 1; // the upper end of the jitter

  it('waits longer after each failed attempt, up to the cap, and never gives up on a retriable one', () => {
    const missing = new TopicsMissing(['order.events']);
    const delays = [1, 2, 3, 4, 5, 6, 100].map((attempt) => {
      const decision = decideAfterStartFailure(missing, attempt, backoff, top);
      return decision.action === 'retry' ? decision.delayMs : 'fail';
    });
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('spreads the waits of apps that failed together between half and all of the step', () => {
    const missing = new TopicsMissing(['order.events']);
    expect(decideAfterStartFailure(missing, 3, backoff, () => 0)).toMatchObject({ delayMs: 1_000 });
    expect(decideAfterStartFailure(missing, 3, backoff, () => 0.5)).toMatchObject({ delayMs: 1_500 });
  });

  it('gives up on a failure that waiting cannot fix, saying why', () => {
    expect(decideAfterStartFailure(new TopicSpecMismatch('order.events', 'has 3 partitions'), 1)).toEqual({
      action: 'fail',
      reason: 'TopicSpecMismatch: topic order.events: has 3 partitions',
    });
  });
});

describe('isWorthLogging', () => {
  it('logs the first failure and then only at attempts 2, 4, 8, 16...', () => {
    const logged = Array.from({ length: 40 }, (_, i) => i + 1).filter((attempt) =>
      isWorthLogging(attempt, false),
    );
    expect(logged).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('logs any attempt whose reason differs from the one before', () => {
    expect(isWorthLogging(7, true)).toBe(true);
  });
});

describe('startFailureReason', () => {
  it('names missing topics and the services that create them', () => {
    expect(
      startFailureReason(new TopicsMissing(['order.events', 'order.events.retry', 'identity.events.retry'])),
    ).toBe(
      'waiting for topics: order.events, order.events.retry, identity.events.retry (created by order-service, auth-service)',
    );
  });

  it('names a topic outside the registry without an owner', () => {
    expect(startFailureReason(new TopicsMissing(['late_1a2b3c4d']))).toBe(
      'waiting for topics: late_1a2b3c4d',
    );
  });

  it('names any other failure by its class and message', () => {
    expect(
      startFailureReason(
        protocolError('UNKNOWN_TOPIC_OR_PARTITION', true, 'This server does not host this topic-partition'),
      ),
    ).toBe('KafkaJSProtocolError: This server does not host this topic-partition');
  });
});
