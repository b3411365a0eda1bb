import type { INestApplication } from '@nestjs/common';
import type { EventEnvelope } from '@platform/contracts';
import { eventually, infraEnv, uniqueName } from '@platform/testing';
import { ConsumerRuntime } from '../../consumer/consumer-runtime';
import { DlqHeaders } from '../../consumer/dead-letter';
import {
  clientUnderTest,
  RuntimeHarness,
  spawnConsumer,
  testEvent,
} from '../../consumer/runtime-harness.spec-helper';
import { ConsumerGroupTransport } from './consumer-group.transport';
import { bootThingsApp, counting, ThingsController, type ThingPayload } from './things-app.spec-helper';

const thing = (key: string, payload: ThingPayload) => testEvent('Thing', key, payload);

describe(`a consumer app on the Nest transport (real Kafka, ${clientUnderTest})`, () => {
  const harness = new RuntimeHarness();
  const apps: INestApplication[] = [];

  beforeAll(() => harness.connect());
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await harness.close();
  });

  async function start(topic: string, groupId = uniqueName('things')) {
    const app = await bootThingsApp({
      brokers: [...infraEnv.kafkaBrokers],
      client: clientUnderTest,
      groupId,
      topic,
    });
    apps.push(app);
    return { app, things: app.get(ThingsController), groupId };
  }

  it('runs @EventPattern handlers through Nest, keeping per-key order while keys run concurrently', async () => {
    const topic = await harness.topic('things_order', 3);
    const events: EventEnvelope[] = [];
    for (let seq = 0; seq < 40; seq += 1)
      for (const key of ['a', 'b', 'c', 'd', 'e']) events.push(thing(key, { seq, delayMs: seq % 3 }));
    await harness.producer.publish(topic, events);
    const { app, things } = await start(topic);

    await eventually(() => things.handled.length === events.length, { timeoutMs: 30_000 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const seqs = things.handled.filter((h) => h.key === key).map((h) => h.seq);
      expect(seqs).toEqual([...Array(40).keys()]);
    }
    expect(counting.callsOn(topic)).toBe(events.length);
    expect(app.getMicroservices()).toHaveLength(1);
  });

  it('retries a RetriableError in place, then handles the record; later records of its key wait', async () => {
    const topic = await harness.topic('things_retry', 1);
    const flaky = thing('k', { fail: 'retriable' });
    const after = thing('k', {});
    await harness.producer.publish(topic, [flaky, after]);
    const { things } = await start(topic);

    await eventually(() => things.handled.length === 2, { timeoutMs: 20_000 });
    expect(things.attempts.filter((a) => a.id === flaky.id).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(things.handled.map((h) => h.id)).toEqual([flaky.id, after.id]);
  });

  it('sends a PermanentError to the DLQ at once with its provenance, and keeps consuming', async () => {
    const topic = await harness.topic('things_dlq', 1);
    const poison = thing('poison', { fail: 'permanent' });
    const next = thing('poison', {});
    await harness.producer.publish(topic, [poison, next]);
    const { things, groupId } = await start(topic);

    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(dead?.headers).toMatchObject({
      [DlqHeaders.originalTopic]: topic,
      [DlqHeaders.originalPartition]: '0',
      [DlqHeaders.originalOffset]: '0',
      [DlqHeaders.originalKey]: 'poison',
      [DlqHeaders.consumerGroup]: groupId,
      [DlqHeaders.errorClass]: 'PermanentError',
      [DlqHeaders.reason]: 'permanent',
      [DlqHeaders.attempts]: '1',
    });
    expect(dead?.headers[DlqHeaders.errorMessage]).toContain(`thing ${poison.id} is blocked`);
    await eventually(() => things.handled.some((h) => h.id === next.id), { timeoutMs: 20_000 });
    expect(things.attempts.filter((a) => a.id === poison.id)).toHaveLength(1);
  });

  it('dead-letters what a pipe refuses at once, as the error of a message that will not change', async () => {
    const topic = await harness.topic('things_pipe', 1);
    const malformed = thing('m', { malformed: true });
    await harness.producer.publish(topic, [malformed]);
    await start(topic);

    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(dead?.headers).toMatchObject({
      [DlqHeaders.errorClass]: 'PermanentError',
      [DlqHeaders.reason]: 'permanent',
      [DlqHeaders.attempts]: '1',
    });
    expect(dead?.headers[DlqHeaders.errorMessage]).toContain('payload.malformed');
  });

  it('stops with the app: running handlers finish, their work is committed, the group is left', async () => {
    const topic = await harness.topic('things_stop', 1);
    const events = Array.from({ length: 5 }, (_, seq) => thing('s', { seq, delayMs: 200 }));
    await harness.producer.publish(topic, events);
    const { app, things, groupId } = await start(topic);
    const [microservice] = app.getMicroservices() as unknown as { serverInstance: ConsumerGroupTransport }[];
    expect(microservice?.serverInstance.unwrap()).toBeInstanceOf(ConsumerRuntime);

    await eventually(() => things.handled.length >= 2, { timeoutMs: 20_000 });
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    const handled = things.handled.length;
    expect(things.attempts.length).toBe(handled); // nothing was cut off mid-handler
    expect(handled).toBeLessThan(events.length); // the rest waits for the next consumer
    // What was done before the stop is committed; only the record that finished during it may come again.
    const committed = (await harness.committed(groupId, topic)).get(0) ?? -1;
    expect(committed).toBeGreaterThanOrEqual(handled - 1);
    expect(committed).toBeLessThanOrEqual(handled);
  });
});

describe(`a consumer app on the Nest transport killed mid-batch (real Kafka, ${clientUnderTest})`, () => {
  const harness = new RuntimeHarness();
  const children: ReturnType<typeof spawnConsumer>['child'][] = [];

  beforeAll(() => harness.connect());
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await harness.close();
  });

  it('loses nothing: the records it had not committed are handled by the next instance', async () => {
    const topic = await harness.topic('things_crash', 3);
    const groupId = uniqueName('things_crash_group');
    const events = Array.from({ length: 600 }, (_, i) => thing(`key-${i % 25}`, { delayMs: 15 }));
    await harness.producer.publish(topic, events);
    const script = require.resolve('./crashing-consumer-app.spec-helper');

    const first = spawnConsumer(script, [infraEnv.kafkaBrokers.join(','), topic, groupId]);
    children.push(first.child);
    await eventually(() => first.handled.length >= 150, { timeoutMs: 60_000 });
    first.child.kill('SIGKILL'); // no close(), no commit, no leave-group: a crash
    await new Promise((resolve) => first.child.once('exit', resolve));
    const handledBeforeCrash = new Set(first.handled);
    expect(handledBeforeCrash.size).toBeLessThan(events.length);

    const second = spawnConsumer(script, [infraEnv.kafkaBrokers.join(','), topic, groupId]);
    children.push(second.child);
    const all = () => new Set([...handledBeforeCrash, ...second.handled]);
    await eventually(() => all().size === events.length, { timeoutMs: 60_000 });

    expect([...all()].sort()).toEqual(events.map((e) => e.id).sort());
    const redelivered = second.handled.filter((id) => handledBeforeCrash.has(id));
    expect(second.handled.length - redelivered.length).toBe(events.length - handledBeforeCrash.size);
  }, 120_000);
});
