import { Headers } from '@platform/contracts';
import { readDeadLetter } from './dead-letter';

const dlq = { topic: 'order.events.dlq', partition: 2, offset: '17' };
const value = Buffer.from(JSON.stringify({ id: 'evt-1', type: 'OrderPlaced', payload: {} }));
const raw = (headers: Record<string, string>) =>
  Object.entries(headers).map(([name, v]) => ({ name, value: Buffer.from(v) }));

describe('reading a dead letter', () => {
  it('takes provenance and failure from the headers, keyed by the original coordinates', () => {
    const letter = readDeadLetter(
      dlq,
      Buffer.from('order-1'),
      value,
      raw({
        [Headers.originalTopic]: 'order.events',
        [Headers.originalPartition]: '5',
        [Headers.originalOffset]: '42',
        [Headers.originalKey]: 'order-1',
        [Headers.consumerGroup]: 'analytics-ingest',
        [Headers.errorClass]: 'EventPayloadError',
        [Headers.errorMessage]: 'line 1: quantity must be > 0',
        [Headers.deadLetterReason]: 'permanent',
        [Headers.attempts]: '1',
        [Headers.lastFailureAt]: '2026-11-25T14:00:00.000Z',
      }),
    );
    expect(letter).toMatchObject({
      id: 'order.events:5:42@analytics-ingest',
      topic: 'order.events',
      originalTopic: 'order.events',
      partition: 5,
      offset: '42',
      key: Buffer.from('order-1'),
      consumerGroup: 'analytics-ingest',
      eventType: 'OrderPlaced',
      eventId: 'evt-1',
      reason: 'permanent',
      attempts: 1,
      lastFailureAt: new Date('2026-11-25T14:00:00.000Z'),
      provenanceComplete: true,
      replayOf: null,
    });
    expect(letter.value?.equals(value)).toBe(true);
  });

  it('points a failure after a replay at the live topic and at the entry it was replayed from', () => {
    const letter = readDeadLetter(
      dlq,
      Buffer.from('order-1'),
      value,
      raw({
        [Headers.originalTopic]: 'order.events.retry',
        [Headers.originalPartition]: '5',
        [Headers.originalOffset]: '3',
        [Headers.replayOf]: 'order.events:5:42@analytics-ingest',
      }),
    );
    expect(letter).toMatchObject({
      id: 'order.events.retry:5:3@-',
      topic: 'order.events',
      replayOf: 'order.events:5:42@analytics-ingest',
    });
  });

  it('still quarantines a record without provenance or with bytes that are not JSON, keyed where it was found', () => {
    const letter = readDeadLetter(dlq, null, Buffer.from([0xff, 0x00, 0x13]), [
      { name: Headers.errorMessage, value: Buffer.from('not JSON: "\u0000{"') },
    ]);
    expect(letter).toMatchObject({
      id: 'order.events.dlq:2:17@-',
      topic: 'order.events',
      eventType: null,
      errorClass: 'Unknown',
      errorMessage: 'not JSON: "\u2400{"',
      reason: 'unknown',
      provenanceComplete: false,
    });
    expect(letter.value).toEqual(Buffer.from([0xff, 0x00, 0x13]));
    // The header keeps its bytes; only the searchable text loses the NUL.
    expect(letter.headers[0]?.value.toString('utf8')).toBe('not JSON: "\u0000{"');
  });
});
