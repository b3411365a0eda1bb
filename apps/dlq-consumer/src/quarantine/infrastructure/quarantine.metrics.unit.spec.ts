import { allTopics } from '@platform/contracts';
import { Registry } from 'prom-client';
import { QuarantineMetrics } from './quarantine.metrics';
import type { QuarantineQueries } from './quarantine.queries';

const withStats = (stats: { topic: string; count: number; oldest: Date }[]) =>
  ({ stats: async () => stats }) as unknown as QuarantineQueries;

describe('QuarantineMetrics', () => {
  it('gives every live topic a quarantine size, 0 when nothing of it is quarantined', async () => {
    const registry = new Registry();
    new QuarantineMetrics(registry, withStats([{ topic: 'order.events', count: 3, oldest: new Date() }]));
    const text = await registry.metrics();
    expect(text).toContain('dlq_quarantined_messages{topic="order.events"} 3');
    for (const topic of allTopics().filter((t) => t.name !== 'order.events')) {
      expect(text).toContain(`dlq_quarantined_messages{topic="${topic.name}"} 0`);
    }
    expect(text).toMatch(/^dlq_oldest_quarantined_age_seconds \d/m);
  });

  it('says 0 for every topic and no age when the quarantine is empty', async () => {
    const registry = new Registry();
    new QuarantineMetrics(registry, withStats([]));
    const text = await registry.metrics();
    expect(text).toContain('dlq_quarantined_messages{topic="order.events"} 0');
    expect(text).toContain('dlq_oldest_quarantined_age_seconds 0');
  });
});
