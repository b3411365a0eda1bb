import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EventEnvelope } from '@platform/contracts';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { clientUnderTest, RuntimeHarness, spawnConsumer, testEvent } from './runtime-harness.spec-helper';

/** Starts the crashing consumer in its own process and collects what it reports handled. */
const startConsumer = (topic: string, groupId: string) =>
  spawnConsumer(join(__dirname, 'crashing-consumer.spec-helper.ts'), [
    infraEnv.kafkaBrokers.join(','),
    topic,
    groupId,
  ]);

describe(`a consumer killed mid-batch (real Kafka, ${clientUnderTest})`, () => {
  const harness = new RuntimeHarness();
  const children: ChildProcess[] = [];

  beforeAll(() => harness.connect());
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await harness.close();
  });

  it('loses nothing: the records it had not committed are handled by the next consumer', async () => {
    const topic = await harness.topic('crash', 3);
    const groupId = uniqueName('crash_group');
    const events: EventEnvelope[] = Array.from({ length: 600 }, (_, i) =>
      testEvent('Thing', `key-${i % 25}`),
    );
    await harness.producer.publish(topic, events);

    const first = startConsumer(topic, groupId);
    children.push(first.child);
    await eventually(() => first.handled.length >= 150, { timeoutMs: 60_000 });
    first.child.kill('SIGKILL'); // no stop(), no commit, no leave-group: a crash
    await new Promise((resolve) => first.child.once('exit', resolve));
    const handledBeforeCrash = new Set(first.handled);
    expect(handledBeforeCrash.size).toBeLessThan(events.length);

    const second = startConsumer(topic, groupId);
    children.push(second.child);
    const all = () => new Set([...handledBeforeCrash, ...second.handled]);
    await eventually(() => all().size === events.length, { timeoutMs: 60_000 });

    // Every record was handled at least once, and whatever the first process had not
    // committed came again: redelivery, not loss.
    expect([...all()].sort()).toEqual(events.map((e) => e.id).sort());
    const redelivered = second.handled.filter((id) => handledBeforeCrash.has(id));
    expect(second.handled.length - redelivered.length).toBe(events.length - handledBeforeCrash.size);
  }, 120_000);
});
