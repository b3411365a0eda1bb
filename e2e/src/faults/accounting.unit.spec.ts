import { account, balanced, type AccountingInput } from './accounting';

const groups = { analytics: 'g-analytics', notifications: 'g-notifications' };
const registered = { id: 'e1', type: 'UserRegistered' };
const placed = { id: 'e2', type: 'OrderPlaced' };
const confirmed = { id: 'e3', type: 'OrderConfirmed' };

const input = (overrides: Partial<AccountingInput['effects']> = {}, more: Partial<AccountingInput> = {}) => ({
  accepted: [registered, placed, confirmed],
  injected: [],
  undecodableKeys: [],
  groups,
  effects: {
    analytics: new Map([
      ['e1', 1],
      ['e2', 1],
      ['e3', 1],
    ]),
    notifications: new Map([
      ['e1', 1],
      ['e3', 1],
    ]),
    quarantined: [],
    ...overrides,
  },
  ...more,
});

describe('the fault accounting', () => {
  it('balances when every event is in effect exactly once in each store', () => {
    const result = account(input());
    expect(balanced(result)).toBe(true);
    expect(result.analytics).toMatchObject({ expected: 3, inEffect: 3, quarantined: 0 });
    expect(result.notifications).toMatchObject({ expected: 2, inEffect: 2 });
  });

  it('counts an event quarantined for the group that failed it instead of in effect', () => {
    const result = account(
      input({
        notifications: new Map([['e1', 1]]),
        quarantined: [
          { eventId: 'e3', consumerGroup: 'g-notifications', originalTopic: 'order.events', key: 'o1' },
        ],
      }),
    );
    expect(balanced(result)).toBe(true);
    expect(result.notifications).toMatchObject({ inEffect: 1, quarantined: 1 });
  });

  it('reports an event lost when it is only quarantined for another group', () => {
    const result = account(
      input({
        notifications: new Map([['e1', 1]]),
        quarantined: [
          { eventId: 'e3', consumerGroup: 'g-analytics', originalTopic: 'order.events', key: 'o1' },
        ],
      }),
    );
    expect(balanced(result)).toBe(false);
    expect(result.notifications.missing).toEqual(['e3']);
  });

  it('reports an effect counted twice and an effect nobody published', () => {
    const result = account(
      input({
        analytics: new Map([
          ['e1', 1],
          ['e2', 2],
          ['e3', 1],
          ['e9', 1],
        ]),
      }),
    );
    expect(result.analytics.overcounted).toEqual(['e2']);
    expect(result.analytics.unknown).toEqual(['e9']);
    expect(balanced(result)).toBe(false);
  });

  it('expects injected valid events like accepted ones', () => {
    const orphan = { id: 'e4', type: 'OrderConfirmed' };
    const result = account(input({}, { injected: [orphan] }));
    expect(result.analytics.missing).toEqual(['e4']);
    expect(result.notifications.missing).toEqual(['e4']);
  });

  it('requires every undecodable record quarantined by every consumer group of its topic', () => {
    const q = (group: string) => ({
      eventId: null,
      consumerGroup: group,
      originalTopic: 'order.events',
      key: 'p1',
    });
    expect(
      account(input({ quarantined: [q('g-analytics')] }, { undecodableKeys: ['p1'] })).undecodableMissing,
    ).toEqual(['p1']);
    const both = account(
      input({ quarantined: [q('g-analytics'), q('g-notifications')] }, { undecodableKeys: ['p1'] }),
    );
    expect(balanced(both)).toBe(true);
  });
});
