import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import {
  DependencyUnavailableError,
  isRetriable,
  isUnavailable,
  PermanentError,
  RetriableError,
} from './errors';

describe('how a handler failure is classified', () => {
  it('retries unknown errors and refuses to retry a permanent one', () => {
    expect(isRetriable(new Error('boom'))).toBe(true);
    expect(isRetriable(new RetriableError('later'))).toBe(true);
    expect(isRetriable(new PermanentError('never'))).toBe(false);
  });

  it("retries kafkajs's retries-exceeded error when its cause was a lost connection", () => {
    const lost = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    // As kafkajs's retrier rejects when it gives up (retry/index.js): the last error as the cause.
    const exhausted = Object.assign(new KafkaJSNonRetriableError(lost), { cause: lost });
    expect(isRetriable(exhausted)).toBe(true);
    expect(isUnavailable(exhausted)).toBe(true);
  });

  it('treats a broker refusing the record itself as permanent, not as an outage', () => {
    // What kafkajs builds from the broker's error code (protocol/error.js): a plain object, typed as an Error.
    const tooLarge = new KafkaJSProtocolError(
      Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false }),
    );
    expect(isRetriable(tooLarge)).toBe(false);
    expect(isUnavailable(tooLarge)).toBe(false);
  });

  it('sees an outage in a DependencyUnavailableError and in anything it causes, not in other errors', () => {
    const down = new DependencyUnavailableError('mongodb', { cause: new Error('ECONNREFUSED') });
    expect(isUnavailable(down)).toBe(true);
    expect(isUnavailable(new Error('wrapped', { cause: down }))).toBe(true);
    expect(isUnavailable(new RetriableError('a pool was briefly exhausted'))).toBe(false);
    expect(isUnavailable(new Error('a bug'))).toBe(false);
  });
});
