import { Kafka, logLevel, type Admin } from 'kafkajs';
import { infraEnv, reach, uniqueName } from '@platform/testing';
import { ensureTopics, TopicSpecMismatch } from './topic-admin';

describe('ensureTopics (real Kafka)', () => {
  const kafka = new Kafka({
    clientId: 'topic-admin-int',
    brokers: [...infraEnv.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin;
  const created: string[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await reach('Kafka', infraEnv.kafkaBrokers.join(','), () => admin.connect());
  });

  afterAll(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created });
    await admin.disconnect();
  });

  it('creates a missing topic with its partitions and configs, and is a no-op the second time', async () => {
    const name = uniqueName('ensure');
    created.push(name);
    const spec = { name, partitions: 3, configs: { 'retention.ms': '3600000' } };

    expect(await ensureTopics(admin, [spec])).toEqual({ created: [name], grown: [], unchanged: [] });
    expect(await ensureTopics(admin, [spec])).toEqual({ created: [], grown: [], unchanged: [name] });

    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    expect(topics[0]?.partitions).toHaveLength(3);
    const described = await admin.describeConfigs({
      resources: [{ type: 2 /* TOPIC */, name, configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('3600000');
  });

  it('refuses to grow partitions silently, and grows them when allowed', async () => {
    const name = uniqueName('grow');
    created.push(name);
    await ensureTopics(admin, [{ name, partitions: 1 }]);

    await expect(ensureTopics(admin, [{ name, partitions: 4 }])).rejects.toThrow(TopicSpecMismatch);
    expect(await ensureTopics(admin, [{ name, partitions: 4 }], { allowPartitionGrowth: true })).toEqual({
      created: [],
      grown: [name],
      unchanged: [],
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    expect(topics[0]?.partitions).toHaveLength(4);
  });

  it('lets several apps create the same new topics at once, as they do on a fresh broker', async () => {
    const specs = Array.from({ length: 6 }, () => ({ name: uniqueName('race'), partitions: 12 }));
    created.push(...specs.map((s) => s.name));
    const admins = Array.from({ length: 4 }, () => kafka.admin());
    await Promise.all(admins.map((a) => a.connect()));
    try {
      const results = await Promise.all(admins.map((a) => ensureTopics(a, specs)));
      // Every topic created exactly once among the callers, and all of them hosted now.
      expect(results.flatMap((r) => r.created).sort()).toEqual(specs.map((s) => s.name).sort());
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
      expect(topics.map((t) => t.partitions.length)).toEqual(specs.map(() => 12));
    } finally {
      await Promise.all(admins.map((a) => a.disconnect()));
    }
  });
});
