import type { ConsumedRecord } from '../client/kafka-client';
import { PermanentError } from '../errors';
import { deadLetterRecord, DlqHeaders, reducedDeadLetterRecord } from './dead-letter';

const message: ConsumedRecord = {
  key: Buffer.from('order-7'),
  value: Buffer.from([0xff, 0x00, 0x7b]), // not even UTF-8: bytes must survive as they are
  headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  offset: '42',
};

describe('deadLetterRecord', () => {
  const failure = {
    topic: 'order.events',
    partition: 3,
    message,
    groupId: 'notification-service',
    error: new PermanentError('template missing'),
    reason: 'permanent' as const,
    attempts: 1,
    firstFailureAt: new Date('2026-11-25T10:00:00Z'),
    lastFailureAt: new Date('2026-11-25T10:00:01Z'),
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  };

  it('keeps key, value and headers byte for byte and adds the provenance', () => {
    const record = deadLetterRecord(failure);
    expect(record.topic).toBe('order.events.dlq');
    expect(record.key).toBe(message.key);
    expect(record.value).toBe(message.value);
    expect(record.headers).toMatchObject({
      traceparent: message.headers?.['traceparent'],
      [DlqHeaders.originalTopic]: 'order.events',
      [DlqHeaders.originalPartition]: '3',
      [DlqHeaders.originalOffset]: '42',
      [DlqHeaders.consumerGroup]: 'notification-service',
      [DlqHeaders.errorClass]: 'PermanentError',
      [DlqHeaders.errorMessage]: 'template missing',
      [DlqHeaders.attempts]: '1',
      [DlqHeaders.firstFailureAt]: '2026-11-25T10:00:00.000Z',
      [DlqHeaders.lastFailureAt]: '2026-11-25T10:00:01.000Z',
      [DlqHeaders.traceId]: '4bf92f3577b34da6a3ce929d0e0e4736',
      [DlqHeaders.reason]: 'permanent',
      [DlqHeaders.originalKey]: message.key,
    });
  });

  it('lists the causes of the error, outermost first, and no causes header for an error without one', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = new PermanentError('order o-7 could not be stored', {
      cause: new TypeError('pool failed', { cause: socket }),
    });
    const record = deadLetterRecord({ ...failure, error });
    expect(JSON.parse(String(record.headers[DlqHeaders.errorCauses]))).toEqual([
      { class: 'TypeError', message: 'pool failed' },
      { class: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
    ]);
    expect(deadLetterRecord(failure).headers[DlqHeaders.errorCauses]).toBeUndefined();
  });

  it('reduces a dead letter too large for its topic to key and provenance, naming the bytes it left out', () => {
    const record = reducedDeadLetterRecord(failure);
    expect(record.value).toBeNull();
    expect(record.key).toBe(message.key);
    expect(record.headers['traceparent']).toBeUndefined();
    expect(record.headers).toMatchObject({
      [DlqHeaders.originalTopic]: 'order.events',
      [DlqHeaders.originalOffset]: '42',
      [DlqHeaders.consumerGroup]: 'notification-service',
      [DlqHeaders.reason]: 'permanent',
      [DlqHeaders.valueOmittedBytes]: '3',
    });
  });

  it('sends a message that failed again after a replay to the DLQ of its original topic', () => {
    expect(deadLetterRecord({ ...failure, topic: 'order.events.retry' }).topic).toBe('order.events.dlq');
  });
});
