import { decodeEnvelope, encodeEnvelope, EnvelopeDecodeError, type EventEnvelope } from './envelope';

const event: EventEnvelope<{ orderId: string }> = {
  id: '01JDQ7Z8X5K3M9V2T4R6P8N0QW',
  type: 'OrderPlaced',
  version: 1,
  occurredAt: '2026-11-25T10:00:00.000Z',
  aggregateId: 'order-1',
  aggregateVersion: 1,
  correlationId: 'req-1',
  causationId: null,
  payload: { orderId: 'order-1' },
};

describe('event envelope', () => {
  it('survives an encode/decode round trip unchanged', () => {
    expect(decodeEnvelope(encodeEnvelope(event))).toEqual(event);
  });

  it('rejects bytes that are not JSON, as a permanent failure', () => {
    const decode = () => decodeEnvelope(Buffer.from('{not json'));
    expect(decode).toThrow(EnvelopeDecodeError);
    expect(decode).toThrow(/not JSON/);
    try {
      decode();
    } catch (err) {
      expect((err as EnvelopeDecodeError).retriable).toBe(false);
      expect((err as EnvelopeDecodeError).code).toBe('CONTRACTS.INVALID_ENVELOPE');
    }
  });

  it('rejects an empty value', () => {
    expect(() => decodeEnvelope(null)).toThrow(/empty message value/);
  });

  it('names every wrong field in the reason', () => {
    const bad = { ...event, version: 0, aggregateVersion: 'one', occurredAt: 'yesterday' };
    try {
      decodeEnvelope(JSON.stringify(bad));
      throw new Error('expected a decode error');
    } catch (err) {
      const reason = (err as EnvelopeDecodeError).reason;
      expect(reason).toMatch(/(^|; )version: /);
      expect(reason).toContain('aggregateVersion:');
      expect(reason).toContain('occurredAt:');
    }
  });

  it('rejects an event type that is not PascalCase', () => {
    expect(() => decodeEnvelope(JSON.stringify({ ...event, type: 'order.placed' }))).toThrow(
      /type: must be a PascalCase event name/,
    );
  });
});
