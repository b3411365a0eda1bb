import { contractReportOf } from './contract-report';
import { createEvent } from './create-event';
import { encodeEnvelope, type EventEnvelope } from './envelope';

const placed = createEvent(
  {
    type: 'OrderPlaced',
    aggregateId: 'order-1',
    aggregateVersion: 1,
    correlationId: 'req-1',
    causationId: null,
    payload: {
      orderId: 'order-1',
      customerId: 'customer-1',
      currency: 'EUR',
      lines: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 }],
      totalMinor: 2500,
    },
  },
  { now: () => new Date('2026-11-25T10:00:00.000Z'), newId: () => '0193a1b2-0000-7000-8000-000000000001' },
);

const wire = (changes: Partial<EventEnvelope>) => encodeEnvelope({ ...placed, ...changes });

describe('contractReportOf', () => {
  it('finds no violation in an event the consumers can read, and names its type and versions', () => {
    expect(contractReportOf(wire({}), 'order-1')).toEqual({
      eventType: 'OrderPlaced',
      version: 2,
      knownVersions: [1, 2],
      violation: null,
    });
  });

  it('lists each field the payload schema of the claimed version refuses', () => {
    const payload = {
      ...placed.payload,
      totalMinor: 1,
      lines: [{ sku: '', quantity: 1, unitPriceMinor: 5 }],
    };
    const report = contractReportOf(wire({ payload }), 'order-1');
    expect(report.violation?.code).toBe('CONTRACTS.INVALID_PAYLOAD');
    expect(report.violation?.issues).toEqual(
      expect.arrayContaining([
        { path: 'payload.lines.0.sku', message: expect.any(String) },
        { path: 'payload.totalMinor', message: expect.stringContaining('sum') },
      ]),
    );
  });

  it('names an unknown version with the versions the catalog knows', () => {
    const report = contractReportOf(wire({ version: 9 }), 'order-1');
    expect(report).toMatchObject({ eventType: 'OrderPlaced', version: 9, knownVersions: [1, 2] });
    expect(report.violation).toMatchObject({ code: 'CONTRACTS.UNKNOWN_EVENT' });
  });

  it('refuses bytes that are not JSON, and an event filed under another key', () => {
    expect(contractReportOf(Buffer.from([0xff, 0x00]), null)).toMatchObject({
      eventType: null,
      violation: { code: 'CONTRACTS.INVALID_ENVELOPE', issues: [{ path: '(root)' }] },
    });
    expect(contractReportOf(wire({}), 'order-2').violation).toMatchObject({
      code: 'CONTRACTS.INVALID_ENVELOPE',
      issues: [{ path: 'record key', message: expect.stringContaining('aggregateId') }],
    });
  });
});
