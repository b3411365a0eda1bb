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
      by: z.string().optional(),
      detail: z.string().optional(),
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
      summary: 'One message: bytes, headers, provenance, history',
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
