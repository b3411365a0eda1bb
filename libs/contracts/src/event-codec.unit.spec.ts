import { ContractError, EventPayloadError, UnknownEventError } from './contract-error';
import { createEvent } from './create-event';
import { EnvelopeDecodeError, encodeEnvelope, type EventEnvelope } from './envelope';
import { decodeEvent, validateEvent } from './event-codec';

const fixed = {
  now: () => new Date('2026-11-25T10:00:00.000Z'),
  newId: () => '0193a1b2-0000-7000-8000-000000000001',
};

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
      lines: [
        { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
        { sku: 'PEN-1', quantity: 1, unitPriceMinor: 199 },
      ],
      totalMinor: 2699,
    },
  },
  fixed,
);

/** The same event as it would arrive, with a payload swapped in. */
function onTheWire(changes: Partial<EventEnvelope>): Buffer {
  return encodeEnvelope({ ...placed, ...changes });
}

/** Runs `fn`, expecting it to throw, and returns the error. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('decodeEvent', () => {
  it('given an event made by createEvent, reads it back from the wire unchanged', () => {
    expect(decodeEvent(encodeEnvelope(placed))).toEqual(placed);
  });

  it('reads a string as well as bytes', () => {
    expect(decodeEvent(encodeEnvelope(placed).toString('utf8'))).toEqual(placed);
  });

  it('hands over a union that narrows the payload by type', () => {
    const event = decodeEvent(encodeEnvelope(placed));
    switch (event.type) {
      case 'OrderPlaced':
        expect(event.payload.lines[0]?.sku).toBe('BOOK-1');
        expect(event.version).toBe(2);
        break;
      default:
        throw new Error(`unexpected ${event.type}`);
    }
  });

  it('rejects a bad payload, naming the path of every wrong field', () => {
    const payload = {
      ...placed.payload,
      currency: 'eur',
      lines: [{ sku: 'BOOK-1', quantity: 0, unitPriceMinor: 12.5 }],
    };
    const err = errorOf(() => decodeEvent(onTheWire({ payload })));

    expect(err).toBeInstanceOf(EventPayloadError);
    const { reason, code, retriable } = err as EventPayloadError;
    expect(code).toBe('CONTRACTS.INVALID_PAYLOAD');
    expect(retriable).toBe(false);
    expect(reason).toMatch(/payload\.lines\.0\.quantity: /);
    expect(reason).toMatch(/payload\.lines\.0\.unitPriceMinor: /);
    expect(reason).toMatch(/payload\.currency: must be an ISO-4217 code/);
  });

  it('rejects a payload that is missing altogether', () => {
    const err = errorOf(() => decodeEvent(onTheWire({ payload: null })));
    expect((err as EventPayloadError).reason).toMatch(/^payload: /);
  });

  it('rejects an event type it does not know, as a permanent failure', () => {
    const err = errorOf(() => decodeEvent(onTheWire({ type: 'OrderTeleported' })));

    expect(err).toBeInstanceOf(UnknownEventError);
    expect(err).toMatchObject({
      code: 'CONTRACTS.UNKNOWN_EVENT',
      retriable: false,
      eventType: 'OrderTeleported',
      reason: 'unknown event type "OrderTeleported"',
    });
  });

  it('rejects a version newer than it knows and lists the versions it can read', () => {
    const err = errorOf(() => decodeEvent(onTheWire({ version: 3 })));

    expect(err).toBeInstanceOf(UnknownEventError);
    expect((err as UnknownEventError).reason).toBe('OrderPlaced has no version 3 (known: 1, 2)');
  });

  it('rejects an event whose aggregateId is not the entity in its payload', () => {
    const err = errorOf(() => decodeEvent(onTheWire({ aggregateId: 'order-2' })));

    expect(err).toBeInstanceOf(EventPayloadError);
    expect((err as EventPayloadError).reason).toMatch(/^aggregateId: must equal payload\.orderId/);
  });

  it('given the record it came in, accepts it only under its own aggregateId as the key', () => {
    expect(decodeEvent(encodeEnvelope(placed), { key: Buffer.from('order-1') })).toEqual(placed);
    const misfiled = errorOf(() => decodeEvent(encodeEnvelope(placed), { key: Buffer.from('order-2') }));
    expect(misfiled).toBeInstanceOf(EnvelopeDecodeError);
    expect((misfiled as Error).message).toContain(
      'record key: must equal aggregateId ("order-1"), got "order-2"',
    );
    expect(() => decodeEvent(encodeEnvelope(placed), { key: null })).toThrow(EnvelopeDecodeError);
  });

  it('gives every contract failure one root type, so a consumer routes them with one check', () => {
    const failures = [
      () => decodeEvent('{not json'),
      () => decodeEvent(onTheWire({ type: 'OrderTeleported' })),
      () => decodeEvent(onTheWire({ payload: {} })),
    ];
    for (const fail of failures) {
      const err = errorOf(fail);
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).retriable).toBe(false);
    }
  });

  it('given an OrderPlaced v1 from before minor units, hands it over as v2', () => {
    const v1 = {
      orderId: 'order-1',
      customerId: 'customer-1',
      currency: 'EUR',
      lines: [
        { sku: 'BOOK-1', quantity: 2, price: '12.50' },
        { sku: 'PEN-1', quantity: 1, price: '1.99' },
      ],
    };
    const event = decodeEvent(onTheWire({ version: 1, payload: v1 }));

    expect(event).toEqual(placed);
  });

  it('checks a v1 payload against v1, not against the latest schema', () => {
    const v1 = {
      orderId: 'order-1',
      customerId: 'customer-1',
      currency: 'EUR',
      lines: [{ sku: 'X', quantity: 1, price: '12.5' }],
    };
    const err = errorOf(() => decodeEvent(onTheWire({ version: 1, payload: v1 })));

    expect(err).toMatchObject({ version: 1 });
    expect((err as EventPayloadError).reason).toMatch(/^payload\.lines\.0\.price: must be a decimal string/);
  });
});

describe('decodeEvent on compiled schemas', () => {
  const v1Line = { sku: 'BOOK-1', quantity: 2, price: '12.50' };
  const v1 = { orderId: 'order-1', customerId: 'customer-1', currency: 'EUR', lines: [v1Line] };
  const refusals: [string, Partial<EventEnvelope> | Record<string, unknown>, string, string][] = [
    [
      'an occurredAt without offset',
      { occurredAt: '2026-11-25T10:00:00' },
      'EnvelopeDecodeError',
      'occurredAt: Invalid ISO datetime',
    ],
    [
      'a fractional version',
      { version: 1.5 },
      'EnvelopeDecodeError',
      'version: Invalid input: expected int, received number',
    ],
    [
      'a missing causationId',
      { causationId: undefined },
      'EnvelopeDecodeError',
      'causationId: Invalid input: expected string, received undefined',
    ],
    [
      'an empty id and a lowercase type',
      { id: '', type: 'orderPlaced' },
      'EnvelopeDecodeError',
      'id: Too small: expected string to have >=1 characters; type: must be a PascalCase event name',
    ],
    [
      'a line of quantity 0',
      { payload: { ...placed.payload, lines: [{ sku: 'BOOK-1', quantity: 0, unitPriceMinor: 2699 }] } },
      'EventPayloadError',
      'payload.lines.0.quantity: Too small: expected number to be >0; payload.totalMinor: must equal the sum of quantity * unitPriceMinor over the lines',
    ],
    [
      'a total that is not the sum of the lines',
      { payload: { ...placed.payload, totalMinor: 1 } },
      'EventPayloadError',
      'payload.totalMinor: must equal the sum of quantity * unitPriceMinor over the lines',
    ],
    ['an unknown version', { version: 3 }, 'UnknownEventError', 'OrderPlaced has no version 3 (known: 1, 2)'],
    [
      'a v1 price with one decimal',
      { version: 1, payload: { ...v1, lines: [{ ...v1Line, price: '12.5' }] } },
      'EventPayloadError',
      'payload.lines.0.price: must be a decimal string with two decimals, e.g. "12.50"',
    ],
    [
      'a v1 order whose upcast total is too big for v2',
      { version: 1, payload: { ...v1, lines: [{ ...v1Line, quantity: 100, price: '9999999999999.99' }] } },
      'EventPayloadError',
      'after upcasting to v2: payload.totalMinor: Too big: expected int to be <=9007199254740991',
    ],
  ];

  it.each(refusals)('still refuses %s, with the same error and reason', (_case, changes, name, reason) => {
    const err = errorOf(() =>
      decodeEvent(onTheWire(changes as Partial<EventEnvelope>), { key: Buffer.from('order-1') }),
    );

    expect(err).toBeInstanceOf(ContractError);
    expect({ name: (err as ContractError).name, reason: (err as ContractError).reason }).toEqual({
      name,
      reason,
    });
  });

  it('drops envelope and payload fields no schema names, as before', () => {
    const extra = { ...placed, note: 'x', payload: { ...placed.payload, note: 'y' } };
    expect(decodeEvent(encodeEnvelope(extra))).toEqual(placed);
  });
});

describe('validateEvent', () => {
  it('accepts an envelope already in memory and returns it as the latest version', () => {
    expect(validateEvent(placed)).toEqual(placed);
  });

  it("upcasts an old envelope without changing the caller's object", () => {
    const v1Payload = {
      orderId: 'order-1',
      customerId: 'customer-1',
      currency: 'EUR',
      lines: [{ sku: 'BOOK-1', quantity: 1, price: '12.50' }],
    };
    const old: EventEnvelope = { ...placed, version: 1, payload: v1Payload };
    const before = structuredClone(old);

    expect(validateEvent(old)).toMatchObject({ version: 2, payload: { totalMinor: 1250 } });
    expect(old).toEqual(before);
  });

  it('checks the envelope fields too, since a value built in code skipped decodeEnvelope', () => {
    const err = errorOf(() => validateEvent({ ...placed, occurredAt: 'yesterday' }));

    expect(err).toBeInstanceOf(EnvelopeDecodeError);
    expect((err as EnvelopeDecodeError).reason).toMatch(/^occurredAt: /);
  });
});
