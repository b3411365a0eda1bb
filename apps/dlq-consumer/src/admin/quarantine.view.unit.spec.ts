import { readDeadLetter } from '../quarantine/domain/dead-letter';
import type { QuarantineEntry } from '../quarantine/infrastructure/quarantine.model';
import { entryView } from './quarantine.view';

function entryOf(value: string): QuarantineEntry {
  const {
    id,
    replayOf: _,
    ...letter
  } = readDeadLetter({ topic: 'order.events.dlq', partition: 0, offset: '1' }, null, Buffer.from(value), []);
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
});
