import { setTimeout as delay } from 'node:timers/promises';
import { Headers, retryTopicOf, type EventEnvelope } from '@platform/contracts';
import { eventually, uniqueName } from '@platform/testing';
import { Registry } from 'prom-client';
import { MessagingMetrics } from '../metrics';
import { DependencyUnavailableError, PermanentError, RetriableError } from '../errors';
import type { ConsumerClient } from '../client/kafka-client';
import { DlqHeaders } from './dead-letter';
import type { MessageContext } from './handler';
import { clientUnderTest, RuntimeHarness, testEvent } from './runtime-harness.spec-helper';

describe(`ConsumerRuntime (real Kafka, ${clientUnderTest})`, () => {
  let harness: RuntimeHarness;

  beforeEach(async () => {
    harness = new RuntimeHarness();
    await harness.connect();
  });

  afterEach(async () => {
    await harness.close();
  });

  it('keeps per-key order while keys and partitions run concurrently', async () => {
    const topic = await harness.topic('order', 3);
    const keys = Array.from({ length: 20 }, (_, i) => `order-${i}`);
    const perKey = 30;
    const events = Array.from({ length: perKey }, (_, n) =>
      keys.map((k) => testEvent('Step', k, { n })),
    ).flat();
    await harness.producer.publish(topic, events);

    const seen = new Map<string, number[]>();
    let running = 0;
    let maxRunning = 0;
    const runtime = harness.runtime(topic, {
      Step: async (event) => {
        const { aggregateId, payload } = event as EventEnvelope<{ n: number }>;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await delay(Math.random() * 3);
        running -= 1;
        seen.set(aggregateId, [...(seen.get(aggregateId) ?? []), payload.n]);
      },
    });
    await runtime.start();

    await eventually(() => [...seen.values()].reduce((sum, l) => sum + l.length, 0) === events.length, {
      timeoutMs: 30_000,
    });
    const inOrder = Array.from({ length: perKey }, (_, n) => n);
    for (const key of keys) expect({ key, order: seen.get(key) }).toEqual({ key, order: inOrder });
    expect(maxRunning).toBeGreaterThan(1);
  });

  it('dead-letters an undecodable message with its provenance and keeps consuming the partition', async () => {
    const topic = await harness.topic('poison', 1);
    const good = testEvent('Thing', 'k1');
    await harness.producer.publish(topic, [good]);
    await harness.producer.send(topic, [
      {
        key: 'k1',
        value: Buffer.from('{"not":"an envelope"'),
        headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      },
    ]);
    const after = testEvent('Thing', 'k1');
    await harness.producer.publish(topic, [after]);

    const handled: string[] = [];
    const runtime = harness.runtime(topic, {
      Thing: async (e) => void handled.push((e as EventEnvelope).id),
    });
    const groupId = (runtime as unknown as { settings: { groupId: string } }).settings.groupId;
    await runtime.start();

    await eventually(() => handled.length === 2, { timeoutMs: 20_000 });
    expect(handled).toEqual([good.id, after.id]);
    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(dead?.key).toBe('k1');
    expect(dead?.value?.toString()).toBe('{"not":"an envelope"');
    expect(dead?.headers).toMatchObject({
      [DlqHeaders.originalTopic]: topic,
      [DlqHeaders.originalPartition]: '0',
      [DlqHeaders.originalOffset]: '1',
      [DlqHeaders.consumerGroup]: groupId,
      [DlqHeaders.errorClass]: 'EnvelopeDecodeError',
      [DlqHeaders.errorCode]: 'CONTRACTS.INVALID_ENVELOPE',
      [DlqHeaders.attempts]: '1',
      [DlqHeaders.reason]: 'decode',
      [DlqHeaders.traceId]: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(dead?.headers[DlqHeaders.errorMessage]).toMatch(/not JSON/);
    await eventually(async () => (await harness.committed(groupId, topic)).get(0) === 3);
  });

  it('sends a permanent failure to the DLQ at once, without retrying it', async () => {
    const topic = await harness.topic('permanent', 1);
    await harness.producer.publish(topic, [testEvent('Thing', 'k')]);
    let attempts = 0;
    const runtime = harness.runtime(topic, {
      Thing: async () => {
        attempts += 1;
        throw new PermanentError('template missing');
      },
    });
    await runtime.start();

    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(dead?.headers).toMatchObject({
      [DlqHeaders.reason]: 'permanent',
      [DlqHeaders.attempts]: '1',
      [DlqHeaders.errorClass]: 'PermanentError',
      [DlqHeaders.originalKey]: 'k',
    });
    expect(attempts).toBe(1);
  });

  it('retries a failing key in place while its later messages wait and other keys pass', async () => {
    const topic = await harness.topic('retry', 1);
    const a1 = testEvent('Thing', 'A');
    const a2 = testEvent('Thing', 'A');
    const b1 = testEvent('Thing', 'B');
    const b2 = testEvent('Thing', 'B');
    await harness.producer.publish(topic, [a1, a2, b1, b2]);

    const log: string[] = [];
    const attemptsOfA1: number[] = [];
    const runtime = harness.runtime(
      topic,
      {
        Thing: async (event, ctx: MessageContext) => {
          const { id } = event as EventEnvelope;
          if (id === a1.id) {
            attemptsOfA1.push(ctx.attempt);
            if (ctx.attempt < 3) throw new RetriableError('store unavailable');
          }
          log.push(id);
        },
      },
      { retry: { maxAttempts: 5, initialBackoffMs: 300, maxBackoffMs: 300 } },
    );
    await runtime.start();

    await eventually(() => log.length === 4, { timeoutMs: 20_000 });
    expect(attemptsOfA1).toEqual([1, 2, 3]);
    expect(log.indexOf(a1.id)).toBeLessThan(log.indexOf(a2.id));
    expect(log.indexOf(b2.id)).toBeLessThan(log.indexOf(a1.id)); // B never waited for A
  });

  it('dead-letters a message whose retries are exhausted, then handles the next one of its key', async () => {
    const topic = await harness.topic('exhausted', 1);
    const doomed = testEvent('Thing', 'K');
    const next = testEvent('Thing', 'K');
    await harness.producer.publish(topic, [doomed, next]);
    const handled: string[] = [];
    const runtime = harness.runtime(topic, {
      Thing: async (event) => {
        if ((event as EventEnvelope).id === doomed.id) throw new Error('still failing');
        handled.push((event as EventEnvelope).id);
      },
    });
    await runtime.start();

    await eventually(() => handled.length === 1, { timeoutMs: 20_000 });
    expect(handled).toEqual([next.id]);
    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(JSON.parse(dead?.value?.toString() ?? '{}').id).toBe(doomed.id);
    expect(dead?.headers).toMatchObject({
      [DlqHeaders.reason]: 'exhausted',
      [DlqHeaders.attempts]: '3',
      [DlqHeaders.errorClass]: 'Error',
    });
    expect(Date.parse(dead?.headers[DlqHeaders.lastFailureAt] ?? '')).toBeGreaterThan(
      Date.parse(dead?.headers[DlqHeaders.firstFailureAt] ?? ''),
    );
  });

  it('waits out a dependency outage longer than its attempts instead of dead-lettering the record', async () => {
    const topic = await harness.topic('outage', 1);
    const held = testEvent('Thing', 'K');
    const next = testEvent('Thing', 'K');
    await harness.producer.publish(topic, [held, next]);
    const handled: string[] = [];
    let calls = 0;
    const runtime = harness.runtime(topic, {
      Thing: async (event) => {
        // Down for twice the group's 3 attempts, then back.
        if ((event as EventEnvelope).id === held.id && ++calls <= 6)
          throw new DependencyUnavailableError('the store', { cause: new Error('connect ECONNREFUSED') });
        handled.push((event as EventEnvelope).id);
      },
    });
    await runtime.start();

    await eventually(() => handled.length === 2, { timeoutMs: 20_000 });
    expect(handled).toEqual([held.id, next.id]);
    expect(calls).toBe(7);
    const deadLettered = await harness.registry.getSingleMetric('messaging_dead_lettered_total')?.get();
    expect(deadLettered?.values.reduce((n, v) => n + v.value, 0) ?? 0).toBe(0);
  });

  it('delivers a replay only to the consumer group it names', async () => {
    const topic = await harness.topic('replay', 1);
    const seenBy: Record<string, string[]> = { failed: [], other: [] };
    const failedGroup = harness.runtime(topic, {
      Thing: async (e) => void seenBy['failed']?.push((e as EventEnvelope).id),
    });
    const otherGroup = harness.runtime(topic, {
      Thing: async (e) => void seenBy['other']?.push((e as EventEnvelope).id),
    });
    await Promise.all([failedGroup.start(), otherGroup.start()]);
    const failedGroupId = (failedGroup as unknown as { settings: { groupId: string } }).settings.groupId;

    const replayed = testEvent('Thing', 'k');
    const marker = testEvent('Thing', 'k');
    await harness.producer.publish(retryTopicOf(topic), [replayed], {
      headers: { [Headers.targetGroup]: failedGroupId },
    });
    await harness.producer.publish(topic, [marker]);

    await eventually(() => seenBy['failed']?.length === 2 && seenBy['other']?.length === 1, {
      timeoutMs: 20_000,
    });
    expect(seenBy['failed']?.sort()).toEqual([replayed.id, marker.id].sort());
    expect(seenBy['other']).toEqual([marker.id]);
  });

  it('finishes running handlers on stop, commits what was done, and the next consumer starts after it', async () => {
    const topic = await harness.topic('graceful', 2);
    const events = Array.from({ length: 40 }, (_, i) => testEvent('Thing', `k${i % 8}`));
    await harness.producer.publish(topic, events);
    const handled = new Set<string>();
    const first = harness.runtime(topic, {
      Thing: async (e) => {
        await delay(20);
        handled.add((e as EventEnvelope).id);
      },
    });
    const groupId = (first as unknown as { settings: { groupId: string } }).settings.groupId;
    await first.start();
    await eventually(() => handled.size >= 10, { timeoutMs: 20_000 });
    await first.stop();

    const committed = await harness.committed(groupId, topic);
    const committedCount = [...committed.values()].reduce((sum, o) => sum + Math.max(0, o), 0);
    expect(committedCount).toBeLessThanOrEqual(handled.size);
    expect(committedCount).toBeGreaterThan(0);

    const handledAgain: string[] = [];
    const second = harness.runtime(
      topic,
      { Thing: async (e) => void handledAgain.push((e as EventEnvelope).id) },
      { groupId },
    );
    await second.start();
    await eventually(
      () =>
        handled.size + handledAgain.length >= events.length &&
        new Set([...handled, ...handledAgain]).size === events.length,
      { timeoutMs: 20_000 },
    );
    // Only records past the commit come again: at most those handled but not yet committed.
    expect(handledAgain.length).toBeLessThanOrEqual(events.length - committedCount);
  });

  it('loses nothing, keeps each key in order and reports each lag once when a second consumer joins', async () => {
    const topic = await harness.topic('rebalance', 6);
    const events = Array.from({ length: 600 }, (_, i) =>
      testEvent('Thing', `key-${i % 30}`, { n: Math.floor(i / 30) }),
    );
    await harness.producer.publish(topic, events);
    const groupId = uniqueName('rebalance_group');
    // Per consumer: a key's records must arrive in order (a redelivery after the rebalance may
    // repeat a suffix, but never reorder).
    const seen = [new Map<string, number[]>(), new Map<string, number[]>()];
    const handler = (index: 0 | 1) => async (event: unknown) => {
      const { aggregateId, payload } = event as EventEnvelope<{ n: number }>;
      await delay(2);
      const list = seen[index]?.get(aggregateId) ?? [];
      list.push(payload.n);
      seen[index]?.set(aggregateId, list);
    };
    // Each member its own metrics, as two instances would have.
    const metrics = [new Registry(), new Registry()].map((registry) => ({
      registry,
      metrics: MessagingMetrics.for(registry),
    }));
    const options = (index: 0 | 1) => ({ groupId, metrics: metrics[index]?.metrics, movedAfterMs: 1_000 });
    const first = harness.runtime(topic, { Thing: handler(0) }, options(0));
    await first.start();
    await eventually(() => [...(seen[0]?.values() ?? [])].flat().length >= 100, { timeoutMs: 20_000 });
    const second = harness.runtime(topic, { Thing: handler(1) }, options(1));
    await second.start();

    const handledIds = () =>
      new Set(seen.flatMap((m) => [...m].flatMap(([k, ns]) => ns.map((n) => `${k}/${n}`))));
    await eventually(() => handledIds().size === events.length, { timeoutMs: 40_000 });
    for (const consumerSeen of seen) {
      for (const [key, ns] of consumerSeen) {
        const restarts = ns.filter((n, i) => i > 0 && n <= (ns[i - 1] as number)).length;
        // At most one step back per rebalance (the redelivered suffix), then in order again.
        expect({ key, restarts: Math.min(restarts, 1) }).toEqual({ key, restarts });
      }
    }
    // A partition that moved is reported by its new owner only: the old one drops its series, so a
    // sum over members (max per partition) never reads a stale value beside the live one. More
    // records on every partition (120 keys) keep each owner fetching, as a live topic would.
    await harness.producer.publish(
      topic,
      Array.from({ length: 120 }, (_, i) => testEvent('Thing', `later-${i}`, { n: 0 })),
    );
    const lagPartitions = async (index: 0 | 1) =>
      ((await metrics[index]?.registry.getSingleMetric('messaging_consumer_lag')?.get())?.values ?? [])
        .filter((v) => v.labels['topic'] === topic)
        .map((v) => Number(v.labels['partition']));
    await eventually(
      async () => {
        const [a, b] = [await lagPartitions(0), await lagPartitions(1)];
        return a.length > 0 && b.length > 0 && a.length + b.length === 6 && new Set([...a, ...b]).size === 6;
      },
      { timeoutMs: 10_000 },
    );
  }, 60_000);

  it('keeps the group alive through a handler slower than the session timeout', async () => {
    const topic = await harness.topic('slow', 1);
    await harness.producer.publish(topic, [testEvent('Slow', 'k'), testEvent('Fast', 'other')]);
    const calls: string[] = [];
    const runtime = harness.runtime(
      topic,
      {
        Slow: async () => {
          await delay(8_000);
          calls.push('Slow');
        },
        Fast: async () => void calls.push('Fast'),
      },
      { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
    );
    let joins = 0;
    const consumer = (runtime as unknown as { consumer: ConsumerClient }).consumer;
    const start = consumer.start.bind(consumer);
    consumer.start = (topics, fromBeginning, listener) =>
      start(topics, fromBeginning, {
        ...listener,
        onJoined: () => {
          joins += 1;
          listener.onJoined();
        },
      });
    await runtime.start();

    await eventually(() => calls.length === 2, { timeoutMs: 20_000 });
    expect(calls).toEqual(['Fast', 'Slow']);
    expect(joins).toBe(1);
  }, 30_000);
});
