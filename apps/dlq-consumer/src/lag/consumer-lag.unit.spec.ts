import { groupLagOf } from './consumer-lag';

describe('groupLagOf', () => {
  it('is the end offset minus the committed one, per partition and in all', () => {
    const lag = groupLagOf(
      'notification-service',
      [
        { topic: 'order.events', partition: 1, offset: '7' },
        { topic: 'order.events', partition: 0, offset: '10' },
        { topic: 'auth.events', partition: 0, offset: '3' },
      ],
      [
        { topic: 'order.events', partition: 0, offset: '15' },
        { topic: 'order.events', partition: 1, offset: '7' },
        { topic: 'auth.events', partition: 0, offset: '4' },
      ],
    );
    expect(lag).toEqual({
      groupId: 'notification-service',
      totalLag: 6,
      partitions: [
        { topic: 'auth.events', partition: 0, committedOffset: '3', endOffset: '4', lag: 1 },
        { topic: 'order.events', partition: 0, committedOffset: '10', endOffset: '15', lag: 5 },
        { topic: 'order.events', partition: 1, committedOffset: '7', endOffset: '7', lag: 0 },
      ],
    });
  });

  it('never reports a negative lag, and leaves out partitions whose end is unknown', () => {
    const lag = groupLagOf(
      'g',
      [
        { topic: 't', partition: 0, offset: '9' },
        { topic: 'gone', partition: 0, offset: '1' },
      ],
      [{ topic: 't', partition: 0, offset: '8' }],
    );
    expect(lag.partitions).toEqual([
      { topic: 't', partition: 0, committedOffset: '9', endOffset: '8', lag: 0 },
    ]);
    expect(lag.totalLag).toBe(0);
  });
});
