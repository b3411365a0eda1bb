import { z } from 'zod';
import type { HttpApiSpec } from './http-api';

const isoDate = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const fingerprint = z.string().regex(/^[0-9a-f]{16}$/, 'a 16-digit hex fingerprint');

/** Query of the quarantine list (dlq-consumer validates with it). */
export const dlqListQuerySchema = z.object({
  status: z.enum(['quarantined', 'replayed', 'discarded']).default('quarantined'),
  topic: z.string().min(1).max(249).optional().describe('the live topic, e.g. order.events'),
  type: z.string().min(1).max(100).optional().describe('event type, e.g. OrderPlaced'),
  fingerprint: fingerprint.optional(),
  from: isoDate.optional().describe('quarantined at or after (ISO 8601)'),
  to: isoDate.optional().describe('quarantined before (ISO 8601)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(400).optional().describe('nextCursor of the previous page'),
});
export type DlqListQuery = z.infer<typeof dlqListQuerySchema>;

export const dlqGroupsQuerySchema = dlqListQuerySchema.pick({
  status: true,
  topic: true,
  type: true,
  from: true,
  to: true,
});
export type DlqGroupsQuery = z.infer<typeof dlqGroupsQuerySchema>;

export const dlqDiscardBodySchema = z.object({ reason: z.string().trim().min(1).max(500) });
export type DlqDiscardBody = z.infer<typeof dlqDiscardBodySchema>;

export const dlqFingerprintSchema = fingerprint;

/** Query of the consumer lag: every group, or one. */
export const dlqConsumerLagQuerySchema = z.object({
  group: z.string().min(1).max(249).optional().describe('one consumer group id; every group when absent'),
});
export type DlqConsumerLagQuery = z.infer<typeof dlqConsumerLagQuerySchema>;

const error = z.object({
  class: z.string(),
  code: z.string().nullable(),
  message: z.string(),
  reason: z.enum(['decode', 'permanent', 'exhausted', 'unknown']),
  attempts: z.int(),
  firstFailureAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
});
const summary = z.object({
  id: z.string().describe('<original topic>:<partition>:<offset>@<consumer group>'),
  status: z.enum(['quarantined', 'replayed', 'discarded']),
  topic: z.string(),
  originalTopic: z.string(),
  partition: z.int(),
  offset: z.string(),
  key: z.string().nullable(),
  consumerGroup: z.string().nullable(),
  eventType: z.string().nullable(),
  eventId: z.string().nullable(),
  error,
  traceId: z.string().nullable(),
  fingerprint: z.string(),
  failures: z.int(),
  quarantinedAt: z.string(),
  updatedAt: z.string(),
});
/** Bytes as readable as they are: JSON when they parse, else UTF-8 text, else base64. */
const decodedBytes = z
  .object({
    encoding: z.enum(['json', 'text', 'base64']),
    json: z.unknown().optional(),
    text: z.string().optional(),
    base64: z.string().optional(),
    bytes: z.int(),
  })
  .describe('json (parsed), text (valid UTF-8 without NUL) or base64; null when there were no bytes');
const errorLink = z.object({ class: z.string(), code: z.string().nullable(), message: z.string() });
const errorChain = z
  .array(errorLink)
  .describe('the error as the consumer recorded it, then its causes, outermost first');
const entry = summary.extend({
  keyBase64: z.string().nullable(),
  value: z.object({
    base64: z.string().nullable(),
    text: z.string().nullable(),
    json: z.unknown(),
    bytes: z.int(),
  }),
  headers: z.array(
    z.object({ name: z.string(), value: z.string().optional(), base64: z.string().optional() }),
  ),
  history: z.array(
    z.object({
      at: z.string(),
      action: z.string(),
      by: z.string().optional().describe('the admin (user id) who replayed or discarded'),
      clientId: z
        .string()
        .optional()
        .describe('the OAuth client (an MCP agent) the admin acted through, when there was one'),
      detail: z.string().optional(),
    }),
  ),
  decoded: z.object({
    key: decodedBytes.nullable(),
    value: decodedBytes.nullable(),
    envelope: z
      .object({ type: z.string().nullable(), version: z.int().nullable(), id: z.string().nullable() })
      .nullable()
      .describe('the event envelope the value (or its headers) names, when recognisable'),
  }),
  provenance: z.object({
    topic: z.string().describe('the live topic'),
    originalTopic: z.string().describe('where the failing group read it: the topic or its .retry'),
    partition: z.int(),
    offset: z.string(),
    consumerGroup: z.string().nullable(),
    attempts: z.int(),
    reason: z.enum(['decode', 'permanent', 'exhausted', 'unknown']),
    errorChain,
    dlq: z.object({ topic: z.string(), partition: z.int(), offset: z.string() }),
    complete: z.boolean().describe('false when provenance headers were missing'),
  }),
});
const explanation = z.object({
  fingerprint: z.string(),
  count: z.int().describe('entries of any status'),
  byStatus: z.object({ quarantined: z.int(), replayed: z.int(), discarded: z.int() }),
  firstSeen: z.string(),
  lastSeen: z.string(),
  topics: z.array(z.string()),
  consumerGroups: z.array(z.string()),
  eventTypes: z.array(z.string()),
  errorChain,
  sample: z.object({
    id: z.string().describe('the newest entry, whose bytes were checked'),
    eventType: z.string().nullable(),
    eventVersion: z.int().nullable(),
    eventId: z.string().nullable(),
  }),
  contract: z.object({
    verdict: z
      .enum(['contract-violation', 'not-a-contract-violation', 'unknown'])
      .describe(
        'contract-violation: the sample does not decode as its event; not-a-contract-violation: it does, so the handler or a dependency failed; unknown: no bytes to check',
      ),
    explanation: z.string(),
    eventType: z.string().nullable(),
    version: z.int().nullable(),
    knownVersions: z.array(z.int()).describe('the versions the contract catalog reads'),
    latestVersion: z.int().nullable(),
    code: z.string().nullable().describe('CONTRACTS.INVALID_ENVELOPE, UNKNOWN_EVENT or INVALID_PAYLOAD'),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});
const consumerLag = z.object({
  measuredAt: z.string(),
  groups: z.array(
    z.object({
      groupId: z.string(),
      totalLag: z.int(),
      partitions: z.array(
        z.object({
          topic: z.string(),
          partition: z.int(),
          committedOffset: z.string(),
          endOffset: z.string(),
          lag: z.int(),
        }),
      ),
    }),
  ),
});
const groupOutcome = z.object({
  fingerprint: z.string(),
  done: z.array(z.string()),
  failed: z.array(z.object({ id: z.string(), error: z.string() })),
});
const idParam = { id: 'the entry id (URL-encoded)' };
const fingerprintParam = { fingerprint: 'the 16-digit hex fingerprint of the group' };

/** dlq-consumer's admin API, behind the gateway's `/admin/dlq` route (admin role). */
export const dlqHttpApi: HttpApiSpec = {
  prefix: '/admin/dlq',
  operations: [
    {
      method: 'GET',
      path: '/admin/dlq/messages',
      operationId: 'listDlqMessages',
      summary: 'Quarantined messages, newest first, with filters',
      query: dlqListQuerySchema,
      responses: {
        200: {
          description: 'a page',
          body: z.object({ items: z.array(summary), nextCursor: z.string().nullable() }),
        },
        400: { description: 'DLQ.INVALID_REQUEST, with every invalid parameter in `errors`' },
      },
    },
    {
      method: 'GET',
      path: '/admin/dlq/groups',
      operationId: 'listDlqGroups',
      summary: 'Kinds of failure (fingerprints) with counts and age',
      query: dlqGroupsQuerySchema,
      responses: {
        200: {
          description: 'largest first',
          body: z.object({
            items: z.array(
              z.object({
                fingerprint: z.string(),
                count: z.int(),
                topic: z.string(),
                eventType: z.string().nullable(),
                errorClass: z.string(),
                errorMessage: z.string(),
                consumerGroup: z.string().nullable(),
                oldest: z.string(),
                newest: z.string(),
                oldestAgeSeconds: z.int(),
              }),
            ),
          }),
        },
        400: { description: 'DLQ.INVALID_REQUEST' },
      },
    },
    {
      method: 'GET',
      path: '/admin/dlq/messages/{id}',
      operationId: 'getDlqMessage',
      summary: 'One message: bytes decoded where possible, headers, provenance, fingerprint, history',
      params: idParam,
      responses: { 200: { description: 'the entry', body: entry }, 404: { description: 'DLQ.NOT_FOUND' } },
    },
    {
      method: 'POST',
      path: '/admin/dlq/messages/{id}/replay',
      operationId: 'replayDlqMessage',
      destructive: true,
      summary: 'Replay to the consumer group that failed',
      params: idParam,
      responses: {
        200: { description: 'replayed (recorded in its history)', body: entry },
        404: { description: 'DLQ.NOT_FOUND' },
        409: { description: 'DLQ.NOT_QUARANTINED: replayed or discarded already' },
        422: { description: 'DLQ.NOT_REPLAYABLE: no consumer group in its provenance' },
      },
    },
    {
      method: 'POST',
      path: '/admin/dlq/messages/{id}/discard',
      operationId: 'discardDlqMessage',
      destructive: true,
      summary: 'Discard with a reason',
      params: idParam,
      body: dlqDiscardBodySchema,
      responses: {
        200: { description: 'discarded (recorded in its history)', body: entry },
        400: { description: 'DLQ.INVALID_REQUEST: a reason is required' },
        404: { description: 'DLQ.NOT_FOUND' },
        409: { description: 'DLQ.NOT_QUARANTINED' },
      },
    },
    {
      method: 'GET',
      path: '/admin/dlq/groups/{fingerprint}/explanation',
      operationId: 'explainDlqGroup',
      summary: 'Why a kind of failure happens: its error chain, and the contract it broke, if any',
      description:
        'Counts, first and last seen, topics and consumer groups of the fingerprint, the error chain, and the newest sample checked against the contract catalog: the validation issues when it violates its event contract, or not-a-contract-violation when it decodes (the handler or a dependency failed).',
      params: fingerprintParam,
      responses: {
        200: { description: 'the explanation', body: explanation },
        400: { description: 'DLQ.INVALID_REQUEST: not a fingerprint' },
        404: { description: 'DLQ.NOT_FOUND: no entry has this fingerprint' },
      },
    },
    {
      method: 'GET',
      path: '/admin/dlq/consumer-lag',
      operationId: 'getConsumerLag',
      summary: 'Consumer lag per group, topic and partition',
      description:
        'For every consumer group of the cluster (or `group`): per partition the committed offset, the end offset and their difference, and the total per group.',
      query: dlqConsumerLagQuerySchema,
      responses: {
        200: { description: 'the lag, largest total first', body: consumerLag },
        400: { description: 'DLQ.INVALID_REQUEST' },
        503: { description: 'DLQ.LAG_UNAVAILABLE: Kafka did not answer in time' },
      },
    },
    {
      method: 'POST',
      path: '/admin/dlq/groups/{fingerprint}/replay',
      operationId: 'replayDlqGroup',
      destructive: true,
      summary: 'Replay every quarantined message of a group, oldest first, rate-limited',
      params: fingerprintParam,
      responses: { 200: { description: 'what was replayed and what failed', body: groupOutcome } },
    },
    {
      method: 'POST',
      path: '/admin/dlq/groups/{fingerprint}/discard',
      operationId: 'discardDlqGroup',
      destructive: true,
      summary: 'Discard every quarantined message of a group with a reason',
      params: fingerprintParam,
      body: dlqDiscardBodySchema,
      responses: {
        200: { description: 'what was discarded', body: groupOutcome },
        400: { description: 'DLQ.INVALID_REQUEST' },
      },
    },
  ],
};
