import { topicConfigsOwnedBy } from '@platform/contracts';
import { topicSpecsOf } from './topic-admin';

describe('topicSpecsOf', () => {
  it("turns an owner's registry topics into specs with retention and a safe min.insync.replicas", () => {
    const specs = topicSpecsOf(topicConfigsOwnedBy('order-service'), 3);
    expect(specs.map((s) => s.name)).toEqual(['order.events', 'order.events.retry', 'order.events.dlq']);
    expect(specs[0]).toMatchObject({
      partitions: 12,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    expect(Number(specs[2]?.configs?.['retention.ms'])).toBeGreaterThan(
      Number(specs[0]?.configs?.['retention.ms']),
    );
  });

  it('asks for one in-sync replica on a single-broker development cluster', () => {
    const [spec] = topicSpecsOf(topicConfigsOwnedBy('auth-service'), 1);
    expect(spec?.configs?.['min.insync.replicas']).toBe('1');
  });
});
