// The records of bad-messages.e2e.spec.ts: for one topic, every kind of bad input a consumer can
// meet (not bytes, not JSON, not an envelope, each envelope field missing or of the wrong type,
// an unknown event or version, a payload that breaks its schema, a key that is not the
// aggregate's, near the broker's size limit, binary garbage, no or broken headers), built
// deterministically from the contracts, and one good record of the topic.
import {
  createEvent,
  eventEnvelopeSchema,
  Headers,
  topicOfEvent,
  Topics,
  type DomainEvent,
} from '@platform/contracts';
import type { IHeaders } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** One record to produce, named for the report and the failure messages. */
export interface FuzzMessage {
  name: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

const liveTopicOf = (topic: string): string => topic.replace(/\.(retry|dlq)$/, '');

/** A valid event of a live topic, as its producer writes it. */
export function sampleEvent(liveTopic: string): DomainEvent {
  const id = randomUUID();
  const common = { aggregateId: id, aggregateVersion: 1, correlationId: randomUUID(), causationId: null };
  switch (liveTopic) {
    case Topics.identityEvents.name:
      return createEvent({
        ...common,
        type: 'UserLoggedIn',
        payload: { userId: id, familyId: randomUUID() },
      });
    case Topics.orderEvents.name:
      return createEvent({
        ...common,
        type: 'OrderPlaced',
        payload: {
          orderId: id,
          customerId: randomUUID(),
          lines: [{ sku: 'FUZZ-1', quantity: 2, unitPriceMinor: 150 }],
          currency: 'EUR',
          totalMinor: 300,
        },
      });
    case Topics.notificationJobs.name:
      // No notification record has this id: the worker skips it as another deployment's.
      return createEvent({
        ...common,
        type: 'NotificationRequested',
        payload: {
          notificationId: randomUUID(),
          userId: id,
          channel: 'email',
          template: 'welcome',
          data: {},
          sourceEventId: randomUUID(),
        },
      });
    default:
      throw new Error(`add a valid sample event of ${liveTopic} to sampleEvent`);
  }
}

function headersOf(event: DomainEvent): IHeaders {
  return {
    [Headers.eventType]: event.type,
    [Headers.eventVersion]: String(event.version),
    [Headers.correlationId]: event.correlationId,
  };
}

/**
 * The good record of `topic`: a sample event on live and retry topics; on a dead-letter topic, a
 * dead letter of it with complete provenance (group `e2e-bad-messages`), as the runtime writes one.
 */
export function goodMessageFor(topic: string, label: string): FuzzMessage {
  const event = sampleEvent(liveTopicOf(topic));
  const message = { name: `good:${label}`, key: event.aggregateId, value: JSON.stringify(event) };
  if (!topic.endsWith('.dlq')) return { ...message, headers: headersOf(event) };
  const now = new Date().toISOString();
  return {
    ...message,
    headers: {
      ...headersOf(event),
      [Headers.originalTopic]: liveTopicOf(topic),
      [Headers.originalPartition]: '0',
      [Headers.originalOffset]: String(Date.now()),
      [Headers.originalKey]: event.aggregateId,
      [Headers.consumerGroup]: 'e2e-bad-messages',
      [Headers.errorClass]: 'PermanentError',
      [Headers.errorMessage]: 'a good dead letter, written by the test',
      [Headers.attempts]: '1',
      [Headers.firstFailureAt]: now,
      [Headers.lastFailureAt]: now,
      [Headers.deadLetterReason]: 'permanent',
    },
  };
}

/** A value of the wrong JSON type for a field whose valid value is `valid`. */
function wrongTypeFor(valid: unknown): unknown {
  if (typeof valid === 'string') return 12_345;
  if (typeof valid === 'number') return String(valid);
  if (valid === null) return 7;
  return 'not an object';
}

/** The same bytes every run: a xorshift stream from a fixed seed. */
function garbage(length: number, seed = 0x9e3779b9): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/**
 * Every bad record for `topic`, keyed and headed as its producer would unless the case is about
 * the key or the headers. `maxBytes` is the topic's `max.message.bytes`: the oversized record is
 * just under it, so the broker takes it and what happens next is the consumers' business.
 */
export function badMessagesFor(topic: string, maxBytes: number): FuzzMessage[] {
  const live = liveTopicOf(topic);
  const event = () => sampleEvent(live);
  const bad = (name: string, value: Buffer | string | null, e = event()): FuzzMessage => ({
    name,
    key: e.aggregateId,
    value,
    headers: headersOf(e),
  });
  const json = (name: string, change: (e: Record<string, unknown>) => void): FuzzMessage => {
    const e = event();
    const envelope = { ...e } as Record<string, unknown>;
    change(envelope);
    return bad(name, JSON.stringify(envelope), e);
  };

  const messages: FuzzMessage[] = [
    // Not an envelope at all.
    bad('not-json', '{"id": "0190", "type": "Order'),
    bad('empty-value', Buffer.alloc(0)),
    bad('null-value', null),
    bad(
      'invalid-utf8',
      Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    ),
    bad('binary-garbage', garbage(1_024)),
    bad('json-array', '[]'),
    bad('json-null', 'null'),
    bad('json-string', '"OrderPlaced"'),
    bad('json-number', '42'),
    bad('deeply-nested', `${'['.repeat(5_000)}${']'.repeat(5_000)}`),
  ];

  // Each envelope field, in turn, missing and of the wrong type.
  const sample = event() as unknown as Record<string, unknown>;
  for (const field of Object.keys(eventEnvelopeSchema.shape)) {
    messages.push(json(`missing:${field}`, (e) => delete e[field]));
    messages.push(json(`wrong-type:${field}`, (e) => (e[field] = wrongTypeFor(sample[field]))));
  }

  // An envelope whose event the catalog does not know or whose payload breaks its schema.
  const keyField = topicOfEvent(event().type).key.payloadField;
  messages.push(
    json('unknown-type', (e) => (e['type'] = 'NoSuchEvent')),
    json('type-not-pascal-case', (e) => (e['type'] = 'order_placed')),
    json('nul-in-type', (e) => (e['type'] = `${String(e['type'])}\u0000`)),
    json('unknown-version', (e) => (e['version'] = 999)),
    json('payload-violates-schema', (e) => (e['payload'] = {})),
    json('aggregate-id-not-payload-key', (e) => (e['aggregateId'] = randomUUID())),
    json('payload-key-wrong-type', (e) => (e['payload'] = { ...(e['payload'] as object), [keyField]: 42 })),
  );

  // A valid event filed under another entity's key would break that entity's order.
  const misfiled = event();
  messages.push({ ...bad('key-not-aggregate-id', JSON.stringify(misfiled), misfiled), key: randomUUID() });

  // Near the broker's limit: the consumers must dead-letter it like any other (an id too long).
  const big = event();
  const skeleton = JSON.stringify({ ...big, aggregateId: '' });
  const room = maxBytes - 512 - Buffer.byteLength(skeleton);
  messages.push(bad('oversized', JSON.stringify({ ...big, aggregateId: 'x'.repeat(room) }), big));

  // The key and the headers.
  messages.push(
    { ...bad('null-key', '{"type":'), key: null },
    { ...bad('binary-key', '{"type":'), key: Buffer.from([0xff, 0x00, 0xfe, 0x80]) },
    { ...json('missing-headers', (e) => (e['type'] = 'NoSuchEvent')), headers: undefined },
    {
      ...json('garbage-headers', (e) => (e['payload'] = {})),
      headers: {
        [Headers.eventType]: Buffer.from([0xff, 0xfe, 0x00]),
        [Headers.eventVersion]: 'NaN',
        [Headers.traceparent]: 'not-a-traceparent',
        [Headers.correlationId]: 'c'.repeat(8_192),
        [Headers.attempt]: 'minus one',
        [Headers.replayOf]: 'no-such-entry',
        'x-\u00ff-odd-name': Buffer.from([0x00]),
      },
    },
  );

  if (topic.endsWith('.dlq')) {
    // A dead letter whose provenance is there but broken: kept where it was found.
    messages.push({
      ...bad('broken-provenance', '{"type":'),
      headers: {
        [Headers.originalTopic]: live,
        [Headers.originalPartition]: 'minus one',
        [Headers.originalOffset]: '12x',
        [Headers.consumerGroup]: 'someone',
        [Headers.deadLetterReason]: 'bogus',
        [Headers.attempts]: '-3',
        [Headers.firstFailureAt]: 'yesterday',
      },
    });
  }
  return messages;
}
