import { EventPayloadError } from './contract-error';
import { createEvent, type NewEvent } from './create-event';

const registered: NewEvent<'UserRegistered'> = {
  type: 'UserRegistered',
  aggregateId: 'user-1',
  aggregateVersion: 1,
  correlationId: 'req-1',
  causationId: null,
  payload: { userId: 'user-1', email: 'ada@example.com', registeredAt: '2026-11-25T10:00:00.000Z' },
};

describe('createEvent', () => {
  it('stamps the latest version, the injected id and the injected time', () => {
    const event = createEvent(registered, {
      now: () => new Date('2026-11-25T10:00:01.000Z'),
      newId: () => 'event-1',
    });

    expect(event).toEqual({
      ...registered,
      id: 'event-1',
      version: 1,
      occurredAt: '2026-11-25T10:00:01.000Z',
    });
  });

  it('writes OrderPlaced at v2, the version consumers are handed', () => {
    const event = createEvent({
      type: 'OrderPlaced',
      aggregateId: 'order-1',
      aggregateVersion: 1,
      correlationId: 'req-1',
      causationId: 'cmd-1',
      payload: {
        orderId: 'order-1',
        customerId: 'customer-1',
        currency: 'JPY',
        lines: [{ sku: 'TEA-1', quantity: 3, unitPriceMinor: 500 }],
        totalMinor: 1500,
      },
    });
    expect(event.version).toBe(2);
  });

  it('by default gives ids that are UUIDv7 and sort by creation time', () => {
    const ids = Array.from({ length: 50 }, () => createEvent(registered).id);

    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses a payload that breaks its schema, so the producer fails and not its consumers', () => {
    const bad = { ...registered, payload: { ...registered.payload, email: 'not an email' } };

    expect(() => createEvent(bad)).toThrow(EventPayloadError);
    expect(() => createEvent(bad)).toThrow(/payload\.email: /);
  });

  it('refuses an aggregateId that differs from the entity the topic is keyed by', () => {
    expect(() => createEvent({ ...registered, aggregateId: 'user-2' })).toThrow(
      /aggregateId: must equal payload\.userId/,
    );
  });
});
