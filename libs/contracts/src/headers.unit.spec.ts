import { Headers } from './headers';

describe('header names', () => {
  it('are lowercase and distinct, since Kafka header names are case-sensitive', () => {
    const names = Object.values(Headers);

    for (const name of names) expect(name).toMatch(/^[a-z][a-z-]*$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it('carry the provenance the DLQ needs to replay to the group that failed', () => {
    expect(Headers).toMatchObject({
      originalTopic: 'x-original-topic',
      originalPartition: 'x-original-partition',
      originalOffset: 'x-original-offset',
      consumerGroup: 'x-consumer-group',
      targetGroup: 'x-target-group',
      attempt: 'x-attempt',
      attempts: 'x-attempts',
    });
  });
});
