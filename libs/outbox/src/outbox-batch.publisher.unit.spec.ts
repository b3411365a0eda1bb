import type { EventEnvelope } from '@platform/contracts';
import {
  isBrokerWide,
  OutboxBatchPublisher,
  type OutboxRecord,
  type OutboxRow,
} from './outbox-batch.publisher';

const row = (id: number, key: string): OutboxRow => ({
  id: String(id),
  aggregate_key: key,
  attempts: 0,
  envelope: { id: `e${id}`, aggregateId: key } as EventEnvelope,
  trace_parent: null,
});

const refused = Object.assign(new Error('record too large'), { retriable: false });
const brokerDown = Object.assign(new Error('retries exceeded'), { cause: { retriable: true } });

/** A broker that refuses any send holding one of the `poisoned` event ids, and logs what it took. */
function broker(poisoned: string[], failure: Error = refused) {
  const taken: string[] = [];
  const publish = async (records: OutboxRecord[]) => {
    if (records.some((r) => poisoned.includes(r.event.id))) throw failure;
    taken.push(...records.map((r) => r.event.id));
  };
  return { taken, publish };
}

describe('OutboxBatchPublisher', () => {
  it('sends a batch the broker takes in one publish, in order', async () => {
    const { taken, publish } = broker([]);
    const rows = [row(1, 'a'), row(2, 'b'), row(3, 'a')];
    const result = await new OutboxBatchPublisher(publish).publishBatch(rows);
    expect(result).toEqual({ sent: rows, failed: [] });
    expect(taken).toEqual(['e1', 'e2', 'e3']);
  });

  it('holds back a refused row and the rest of its key while the other keys go out', async () => {
    const { taken, publish } = broker(['e3']);
    const rows = [row(1, 'a'), row(2, 'b'), row(3, 'a'), row(4, 'a'), row(5, 'b')];
    const result = await new OutboxBatchPublisher(publish).publishBatch(rows);
    expect(result.sent.map((r) => r.id)).toEqual(['1', '2', '5']);
    expect(result.failed).toEqual([{ row: rows[2], error: refused }]);
    expect(taken).toEqual(['e1', 'e2', 'e5']);
  });

  it('throws a broker-wide failure instead of isolating rows, so the relay backs off', async () => {
    const { publish } = broker(['e1'], brokerDown);
    await expect(new OutboxBatchPublisher(publish).publishBatch([row(1, 'a')])).rejects.toBe(brokerDown);
    expect(isBrokerWide(refused)).toBe(false);
  });
});
