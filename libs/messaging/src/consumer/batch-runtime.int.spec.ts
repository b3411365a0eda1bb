import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Headers, type EventEnvelope } from '@platform/contracts';
import { eventually } from '@platform/testing';
import { DependencyUnavailableError, PermanentError } from '../errors';
import { DlqHeaders } from './dead-letter';
import type { MessageContext } from './handler';
import { clientUnderTest, RuntimeHarness, testEvent } from './runtime-harness.spec-helper';

type Step = EventEnvelope<{ n: number }>;

describe(`ConsumerRuntime with batch handlers (real Kafka, ${clientUnderTest})`, () => {
  let harness: RuntimeHarness;

  beforeEach(async () => {
    harness = new RuntimeHarness();
    await harness.connect();
  });

  afterEach(async () => {
    await harness.close();
  });

  it('hands records over in batches, in order per key, and commits them once handled', async () => {
    const topic = await harness.topic('batch_order', 3);
    const keys = Array.from({ length: 10 }, (_, i) => `order-${i}`);
    const events = Array.from({ length: 40 }, (_, n) => keys.map((k) => testEvent('Step', k, { n }))).flat();
    await harness.producer.publish(topic, events);

    const seen = new Map<string, number[]>();
    const sizes: number[] = [];
    const runtime = harness.batchRuntime(
      topic,
      {
        Step: async (batch) => {
          sizes.push(batch.length);
          for (const event of batch as Step[])
            seen.set(event.aggregateId, [...(seen.get(event.aggregateId) ?? []), event.payload.n]);
        },
      },
      { maxRecords: 100 },
    );
    await runtime.start();

    await eventually(() => sizes.reduce((a, b) => a + b, 0) === events.length, { timeoutMs: 30_000 });
    const inOrder = Array.from({ length: 40 }, (_, n) => n);
    for (const key of keys) expect({ key, order: seen.get(key) }).toEqual({ key, order: inOrder });
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    await eventually(
      async () => {
        const committed = await harness.committed(runtime.groupId, topic);
        return [...committed.values()].reduce((a, b) => a + b, 0) === events.length;
      },
      { timeoutMs: 10_000 },
    );
  });

  it('splits a failing batch until the poison record goes to the DLQ alone; its neighbours are handled once', async () => {
    const topic = await harness.topic('batch_poison', 1);
    const events = Array.from({ length: 30 }, (_, n) => testEvent('Step', `k-${n % 4}`, { n }));
    const poison = events[17] as EventEnvelope;
    await harness.producer.publish(topic, events);

    const handled = new Map<string, number>();
    const calls: number[] = [];
    const runtime = harness.batchRuntime(
      topic,
      {
        Step: async (batch) => {
          calls.push(batch.length);
          // All or nothing, as one insert: a batch holding the poison record applies nothing.
          if ((batch as EventEnvelope[]).some((e) => e.id === poison.id))
            throw new PermanentError('the store refused a row');
          for (const event of batch as EventEnvelope[])
            handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
        },
      },
      { maxRecords: 50 },
    );
    await runtime.start();

    await eventually(() => handled.size === events.length - 1, { timeoutMs: 20_000 });
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(handled.has(poison.id)).toBe(false);
    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(JSON.parse(dead?.value?.toString() ?? '{}').id).toBe(poison.id);
    expect(dead?.headers).toMatchObject({
      [DlqHeaders.reason]: 'permanent',
      [DlqHeaders.errorClass]: 'PermanentError',
      [DlqHeaders.originalTopic]: topic,
      [DlqHeaders.originalOffset]: '17',
    });
    // Split in halves: 30 -> 15 + 15 -> ... -> 1; far fewer calls than one per record.
    expect(calls.length).toBeLessThan(15);
    await eventually(async () => (await harness.committed(runtime.groupId, topic)).get(0) === 30, {
      timeoutMs: 10_000,
    });
  });

  it('sends an undecodable record to the DLQ alone and hands its neighbours over in one batch', async () => {
    const topic = await harness.topic('batch_decode', 1);
    const before = testEvent('Step', 'k', { n: 1 });
    const after = testEvent('Step', 'k', { n: 2 });
    await harness.producer.publish(topic, [before]);
    await harness.producer.send(topic, [{ key: 'k', value: Buffer.from('{not json') }]);
    await harness.producer.publish(topic, [after]);

    const batches: string[][] = [];
    const runtime = harness.batchRuntime(topic, {
      Step: async (batch) => {
        batches.push((batch as EventEnvelope[]).map((e) => e.id));
      },
    });
    await runtime.start();

    await eventually(() => batches.flat().length === 2, { timeoutMs: 20_000 });
    expect(batches.flat()).toEqual([before.id, after.id]);
    const [dead] = await harness.readAll(`${topic}.dlq`, 1);
    expect(dead?.value?.toString()).toBe('{not json');
    expect(dead?.headers[DlqHeaders.reason]).toBe('decode');
  });

  it('waits out an outage longer than its attempts, retrying the batch whole, and dead-letters nothing', async () => {
    const topic = await harness.topic('batch_outage', 2);
    const events = Array.from({ length: 20 }, (_, n) => testEvent('Step', `k-${n}`, { n }));
    await harness.producer.publish(topic, events);

    let down = 7; // more failures than the group's 3 attempts
    const handled: string[] = [];
    const runtime = harness.batchRuntime(topic, {
      Step: async (batch) => {
        if (down-- > 0)
          throw new DependencyUnavailableError('the store', { cause: new Error('ECONNREFUSED') });
        handled.push(...(batch as EventEnvelope[]).map((e) => e.id));
      },
    });
    await runtime.start();

    await eventually(() => handled.length === events.length, { timeoutMs: 30_000 });
    expect(new Set(handled).size).toBe(events.length);
    const deadLettered = await harness.registry.getSingleMetric('messaging_dead_lettered_total')?.get();
    expect(deadLettered?.values.reduce((n, v) => n + v.value, 0) ?? 0).toBe(0);
  });

  it('joins the records of several partitions into one call within maxWaitMs', async () => {
    const topic = await harness.topic('batch_join', 4);
    const events = Array.from({ length: 40 }, (_, n) => testEvent('Step', `k-${n}`, { n }));
    await harness.producer.publish(topic, events);

    const partitionsPerCall: number[] = [];
    let total = 0;
    const runtime = harness.batchRuntime(
      topic,
      {
        Step: async (batch, records: readonly MessageContext[]) => {
          partitionsPerCall.push(new Set(records.map((r) => r.partition)).size);
          total += batch.length;
        },
      },
      { maxRecords: 1_000, maxWaitMs: 1_000 },
    );
    await runtime.start();

    await eventually(() => total === events.length, { timeoutMs: 20_000 });
    expect(Math.max(...partitionsPerCall)).toBeGreaterThan(1);
  });

  it('runs each call in one span linked to the trace of every record', async () => {
    const spans = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const topic = await harness.topic('batch_trace', 1);
      const traceIds = Array.from({ length: 5 }, () => randomBytes(16).toString('hex'));
      await harness.producer.send(
        topic,
        traceIds.map((traceId, n) => ({
          key: 'k',
          value: Buffer.from(JSON.stringify(testEvent('Step', 'k', { n }))),
          headers: { [Headers.traceparent]: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        })),
      );
      let activeTraceId: string | undefined;
      let handled = 0;
      const runtime = harness.batchRuntime(topic, {
        Step: async (batch) => {
          activeTraceId = trace.getActiveSpan()?.spanContext().traceId;
          handled += batch.length;
        },
      });
      await runtime.start();
      await eventually(() => handled === 5, { timeoutMs: 20_000 });

      const calls = spans.getFinishedSpans().filter((s) => s.name === `${topic} process`);
      const linked = calls.flatMap((s) => s.links.map((l) => l.context.traceId));
      expect(linked.sort()).toEqual([...traceIds].sort());
      expect(calls.map((s) => s.spanContext().traceId)).toContain(activeTraceId);
      expect(calls.every((s) => s.attributes['messaging.batch.message_count'] !== undefined)).toBe(true);
    } finally {
      trace.disable();
      propagation.disable();
      context.disable();
      await provider.shutdown();
    }
  });

  it('refuses a group with both per-event and batch handlers', async () => {
    const topic = await harness.topic('batch_mixed', 1);
    expect(() =>
      harness.runtime(
        topic,
        { A: async () => undefined },
        {
          batchHandlers: new Map([
            ['B', { handle: async () => undefined, options: { maxRecords: 10, maxWaitMs: 0 } }],
          ]),
        },
      ),
    ).toThrow(/a group runs one kind/);
  });
});
