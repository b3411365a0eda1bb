import { Headers } from '@platform/contracts';
import { readDeadLetter } from '../quarantine/domain/dead-letter';
import type { QuarantineEntry } from '../quarantine/infrastructure/quarantine.model';
import { entryView } from './quarantine.view';

function entryOf(
  value: string | Buffer,
  key: Buffer | null = null,
  headers: { name: string; value: Buffer }[] = [],
): QuarantineEntry {
  const {
    id,
    replayOf: _,
    ...letter
  } = readDeadLetter(
    { topic: 'order.events.dlq', partition: 0, offset: '1' },
    key,
    typeof value === 'string' ? Buffer.from(value) : value,
    headers,
  );
  const at = new Date('2026-12-01T08:00:00Z');
  return {
    ...letter,
    _id: id,
    status: 'quarantined',
    failures: 1,
    quarantinedAt: at,
    updatedAt: at,
    history: [],
  };
}

describe('entryView', () => {
  it('shows a JSON value as JSON', () => {
    expect(entryView(entryOf('{"type":"OrderPlaced","payload":{"lines":[{"sku":"A"}]}}')).value.json).toEqual(
      {
        type: 'OrderPlaced',
        payload: { lines: [{ sku: 'A' }] },
      },
    );
  });

  // Found by `npm run fuzz:http`: JSON.stringify of the answer overflowed its stack, a 500.
  it('shows JSON nested thousands deep as text only, so the answer still serialises', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const view = entryView(entryOf(deep));
    expect(view.value).toMatchObject({ text: deep, json: null, bytes: 10_000 });
    expect(() => JSON.stringify(view)).not.toThrow();
  });

  it('decodes key and value once each: JSON parsed, else text, else base64', () => {
    const binary = entryView(entryOf(Buffer.from([0xff, 0x00, 0x01]), Buffer.from('order-7')));
    expect(binary.decoded).toEqual({
      key: { encoding: 'text', text: 'order-7', bytes: 7 },
      value: { encoding: 'base64', base64: '/wAB', bytes: 3 },
      envelope: null,
    });
    const json = entryView(entryOf('{"id":"e-1","type":"OrderPlaced","version":2}', Buffer.from('{"k":1}')));
    expect(json.decoded).toEqual({
      key: { encoding: 'json', json: { k: 1 }, bytes: 7 },
      value: { encoding: 'json', json: { id: 'e-1', type: 'OrderPlaced', version: 2 }, bytes: 45 },
      envelope: { type: 'OrderPlaced', version: 2, id: 'e-1' },
    });
  });

  it('shows the provenance with the error chain the runtime recorded', () => {
    const view = entryView(
      entryOf('plain text', null, [
        { name: Headers.originalTopic, value: Buffer.from('order.events.retry') },
        { name: Headers.originalPartition, value: Buffer.from('2') },
        { name: Headers.originalOffset, value: Buffer.from('40') },
        { name: Headers.consumerGroup, value: Buffer.from('notification-service') },
        { name: Headers.errorClass, value: Buffer.from('PermanentError') },
        { name: Headers.errorMessage, value: Buffer.from('store refused') },
        { name: Headers.errorCauses, value: Buffer.from('[{"class":"MongoError","message":"E11000"}]') },
        { name: Headers.attempts, value: Buffer.from('3') },
        { name: Headers.deadLetterReason, value: Buffer.from('exhausted') },
      ]),
    );
    expect(view.decoded.value).toEqual({ encoding: 'text', text: 'plain text', bytes: 10 });
    expect(view.provenance).toEqual({
      topic: 'order.events',
      originalTopic: 'order.events.retry',
      partition: 2,
      offset: '40',
      consumerGroup: 'notification-service',
      attempts: 3,
      reason: 'exhausted',
      errorChain: [
        { class: 'PermanentError', code: null, message: 'store refused' },
        { class: 'MongoError', code: null, message: 'E11000' },
      ],
      dlq: { topic: 'order.events.dlq', partition: 0, offset: '1' },
      complete: true,
    });
  });
});
