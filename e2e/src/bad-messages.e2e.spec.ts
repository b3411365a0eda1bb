import { allTopics, Headers, Topics, type TopicName, type TopicSpec } from '@platform/contracts';
import { eventually, infraEnv } from '@platform/testing';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { badMessagesFor, goodMessageFor, type FuzzMessage } from './bad-messages.spec-helper';
import { startSystem, type RunningSystem, type User } from './whole-system.spec-helper';

/** One record this test produced: where it landed, and who must have quarantined it. */
interface Produced {
  topic: string;
  name: string;
  partition: number;
  offset: string;
  /** Quarantine ids expected for it, one per consumer group that reads `topic`. */
  expectedIds: string[];
}

interface Summary {
  id: string;
  status: string;
  topic: string;
  originalTopic: string;
  partition: number;
  offset: string;
  consumerGroup: string | null;
  error: { reason: string; class: string };
}

// Every topic the apps read, with the groups that read it: each bad record must come back from
// each of them as its own quarantine entry. A topic added to the registry fails here until its
// readers are named.
function readersOf(system: RunningSystem, topic: TopicSpec): string[] {
  const { groups } = system;
  const byTopic: Record<TopicName, string[]> = {
    [Topics.identityEvents.name]: [groups.notifications, groups.analytics],
    [Topics.orderEvents.name]: [groups.notifications, groups.analytics],
    [Topics.notificationJobs.name]: [groups.notificationWorkers],
  };
  const readers = byTopic[topic.name as TopicName];
  if (!readers) throw new Error(`name the consumer groups of ${topic.name} in readersOf`);
  return readers;
}

// Malformed, oversized, wrong-type and headerless records against every topic any app consumes:
// the live topics, their retry topics and their dead-letter topics. Every app stays up, every bad
// record is quarantined by dlq-consumer once per group that failed on it, with its provenance, and
// a good record after them is still processed: the partition moved on.
describe('bad messages on every consumed topic (six built apps, real servers)', () => {
  let system: RunningSystem;
  let admin: User;
  let kafka: Kafka;
  let producer: Producer;
  let kafkaAdmin: Admin;
  const produced: Produced[] = [];
  const goods: { topic: string; partition: number; offset: string; groups: string[] }[] = [];

  beforeAll(async () => {
    system = await startSystem();
    kafka = new Kafka({
      clientId: 'e2e-bad-messages',
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    kafkaAdmin = kafka.admin();
    await Promise.all([producer.connect(), kafkaAdmin.connect()]);
    admin = await system.register({ roles: ['customer', 'admin'] });
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await kafkaAdmin?.disconnect();
    const codes = await system?.stop();
    // No app crashed, and each drained and exited cleanly on SIGTERM.
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  });

  const send = async (topic: string, partition: number, message: FuzzMessage): Promise<string> => {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ partition, key: message.key, value: message.value, headers: message.headers }],
    });
    if (!meta?.baseOffset) throw new Error(`no offset for ${message.name} on ${topic}`);
    return meta.baseOffset;
  };

  const committed = async (groupId: string, topic: string, partition: number): Promise<bigint> => {
    const [offsets] = await kafkaAdmin.fetchOffsets({ groupId, topics: [topic] });
    const found = offsets?.partitions.find((p) => p.partition === partition);
    return BigInt(found?.offset ?? '-1');
  };

  /** Every quarantine entry of this run, all pages. */
  const quarantined = async (): Promise<Summary[]> => {
    const all: Summary[] = [];
    let cursor: string | null = null;
    do {
      const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await system.call(`/admin/dlq/messages?${query}`, { token: admin.token });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Summary[]; nextCursor: string | null };
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };

  const maxMessageBytesOf = async (topic: string): Promise<number> => {
    const { resources } = await kafkaAdmin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    });
    const value = resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue;
    return Number(value ?? 1_048_588);
  };

  // About 7-10 s, on a fresh broker (CI) and on a long-lived one: the run's dlq-consumer group
  // starts at the end of the DLQ topics (startSystem), not among every earlier run's dead letters.
  it('quarantines every bad message once per failing group, keeps every app up, and moves on', async () => {
    // Each topic's records go to one partition, so that "a good record after them is processed"
    // is a statement about the partition the bad ones were on.
    const consumed = allTopics().flatMap((topic) => [
      { name: topic.name, readers: readersOf(system, topic), onDlq: false },
      { name: topic.retry, readers: readersOf(system, topic), onDlq: false },
      { name: topic.dlq, readers: [system.groups.dlq], onDlq: true },
    ]);
    const partitionOf = (index: number) => index % 3;

    // The event groups start at the topics' end once they have joined: a good record each of them
    // has committed past shows they read this partition, and will see what follows it.
    await Promise.all(
      consumed.map(({ name, readers }, index) =>
        eventually(
          async () => {
            const offset = await send(name, partitionOf(index), goodMessageFor(name, 'warm-up'));
            await eventually(
              async () => {
                for (const group of readers)
                  expect(await committed(group, name, partitionOf(index))).toBeGreaterThan(BigInt(offset));
              },
              { timeoutMs: 5_000, intervalMs: 250 },
            );
          },
          { timeoutMs: 60_000, intervalMs: 0 },
        ),
      ),
    );

    const tried: Record<string, number> = {};
    for (const [index, { name, readers, onDlq }] of consumed.entries()) {
      const partition = partitionOf(index);
      const messages = badMessagesFor(name, await maxMessageBytesOf(name));
      for (const message of messages) {
        const offset = await send(name, partition, message);
        produced.push({
          topic: name,
          name: message.name,
          partition,
          offset,
          // A dead-letter topic's record without provenance is kept where it was found.
          expectedIds: onDlq
            ? [`${name}:${partition}:${offset}@-`]
            : readers.map((group) => `${name}:${partition}:${offset}@${group}`),
        });
      }
      tried[name] = messages.length;
      const good = goodMessageFor(name, 'after');
      goods.push({ topic: name, partition, offset: await send(name, partition, good), groups: readers });
    }
    // The counts, for docs/reliability.md.
    process.stdout.write(
      `bad messages tried per topic: ${JSON.stringify(tried)}; total ${produced.length}, ` +
        `quarantine entries expected ${produced.reduce((n, p) => n + p.expectedIds.length, 0)}\n`,
    );

    // Every bad record, once per group that read it: nothing lost, nothing doubled.
    const entries = await eventually(
      async () => {
        const all = await quarantined();
        const ids = new Set(all.map((e) => e.id));
        const missing = produced.flatMap((p) =>
          p.expectedIds.filter((id) => !ids.has(id)).map((id) => `${p.name} -> ${id}`),
        );
        if (missing.length > 0) {
          const kinds = [...new Set(missing.map((m) => m.slice(0, m.indexOf(' -> '))))];
          throw new Error(`${missing.length} not quarantined yet (${kinds.join(', ')}), e.g. ${missing[0]}`);
        }
        return all;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    const byId = new Map(entries.map((e) => [e.id, e]));
    // Groups of other runs on the same broker may read the topics too; their failures are theirs.
    const ours = new Set([...Object.values(system.groups), '-']);
    for (const p of produced) {
      const atCoordinates = entries.filter(
        (e) =>
          e.id.startsWith(`${p.topic}:${p.partition}:${p.offset}@`) &&
          ours.has(e.id.slice(e.id.indexOf('@') + 1)),
      );
      expect({ message: `${p.topic} ${p.name}`, ids: atCoordinates.map((e) => e.id).sort() }).toEqual({
        message: `${p.topic} ${p.name}`,
        ids: [...p.expectedIds].sort(),
      });
      for (const id of p.expectedIds) {
        const entry = byId.get(id) as Summary;
        const fromDlqTopic = id.endsWith('@-');
        // Provenance: where it was read, and by which group (a record found on a dead-letter
        // topic without complete provenance is kept where it was found).
        const provenance = fromDlqTopic
          ? { originalTopic: p.topic.replace(/\.dlq$/, ''), error: { reason: 'unknown' } }
          : {
              originalTopic: p.topic,
              consumerGroup: id.slice(id.indexOf('@') + 1),
              error: { reason: expect.stringMatching(/^(decode|permanent)$/) },
            };
        expect({ message: `${p.topic} ${p.name}`, entry }).toMatchObject({
          message: `${p.topic} ${p.name}`,
          entry: {
            status: 'quarantined',
            topic: p.topic.replace(/\.(retry|dlq)$/, ''),
            partition: p.partition,
            offset: p.offset,
            ...provenance,
          },
        });
      }
    }

    // A record near the broker's limit no longer fits once its provenance is added: its dead
    // letter carries the provenance without the value, which stays at its original offset.
    const oversized = produced.find((p) => p.name === 'oversized' && !p.topic.endsWith('.dlq')) as Produced;
    const res = await system.call(
      `/admin/dlq/messages/${encodeURIComponent(oversized.expectedIds[0] ?? '')}`,
      {
        token: admin.token,
      },
    );
    const inspected = (await res.json()) as { value: { bytes: number }; headers: { name: string }[] };
    expect(inspected.value.bytes).toBe(0);
    expect(inspected.headers.map((h) => h.name)).toContain(Headers.valueOmittedBytes);

    // The partitions moved on: each group committed past the good record after the bad ones.
    await eventually(
      async () => {
        for (const good of goods)
          for (const group of good.groups)
            expect(await committed(group, good.topic, good.partition)).toBeGreaterThan(BigInt(good.offset));
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );

    // And every app is still ready.
    for (const app of Object.values(system.apps)) {
      const res = await fetch(`${app.url}/health/ready`);
      expect({ app: app.name, status: res.status }).toEqual({ app: app.name, status: 200 });
    }
  }, 90_000);
});
