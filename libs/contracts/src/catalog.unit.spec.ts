import { eventTypes, isKnownEventType, knownVersionsOf, latestVersionOf, type DomainEvent } from './catalog';
import { UnknownEventError } from './contract-error';

/** The compiler checks this: a new event type fails to compile here until it is handled. */
function entityOf(event: DomainEvent): string {
  switch (event.type) {
    case 'UserRegistered':
    case 'UserLoggedIn':
    case 'UserLoggedOut':
    case 'RefreshTokenFamilyRevoked':
    case 'RegistrationAttempted':
    case 'UserRolesChanged':
      return event.payload.userId;
    case 'OrderPlaced':
      return `${event.payload.orderId} (${event.payload.totalMinor} ${event.payload.currency})`;
    case 'OrderConfirmed':
    case 'OrderPaid':
    case 'OrderShipped':
    case 'OrderCancelled':
      return event.payload.orderId;
    case 'NotificationRequested':
      return event.payload.userId;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

describe('event catalog', () => {
  it('knows the events of identity, orders and notifications', () => {
    expect([...eventTypes].sort()).toEqual([
      'NotificationRequested',
      'OrderCancelled',
      'OrderConfirmed',
      'OrderPaid',
      'OrderPlaced',
      'OrderShipped',
      'RefreshTokenFamilyRevoked',
      'RegistrationAttempted',
      'UserLoggedIn',
      'UserLoggedOut',
      'UserRegistered',
      'UserRolesChanged',
    ]);
  });

  it('reads every version of a type from 1 to its latest, with no gap', () => {
    for (const type of eventTypes) {
      const latest = latestVersionOf(type);
      expect(knownVersionsOf(type)).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
    }
  });

  it('writes OrderPlaced at v2 and still reads v1', () => {
    expect(latestVersionOf('OrderPlaced')).toBe(2);
    expect(knownVersionsOf('OrderPlaced')).toEqual([1, 2]);
  });

  it('tells a known type from any other string', () => {
    expect(isKnownEventType('OrderPaid')).toBe(true);
    expect(isKnownEventType('OrderTeleported')).toBe(false);
    expect(knownVersionsOf('OrderTeleported')).toEqual([]);
  });

  it('refuses the latest version of a type that slipped past the compiler', () => {
    expect(() => latestVersionOf('OrderTeleported' as 'OrderPaid')).toThrow(UnknownEventError);
  });

  it('narrows payloads by type in an exhaustive switch', () => {
    const paid = {
      id: 'e-1',
      type: 'OrderPaid',
      version: 1,
      occurredAt: '2026-11-25T10:00:00.000Z',
      aggregateId: 'order-1',
      aggregateVersion: 3,
      correlationId: 'req-1',
      causationId: null,
      payload: { orderId: 'order-1', paymentReference: 'pay-1', amountMinor: 100, currency: 'EUR' },
    } satisfies DomainEvent;
    expect(entityOf(paid)).toBe('order-1');
  });
});
