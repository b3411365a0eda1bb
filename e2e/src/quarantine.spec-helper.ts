import { Topics } from '@platform/contracts';
import { eventually } from '@platform/testing';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { RunningSystem } from './whole-system.spec-helper';

/** An entry of dlq-consumer's list, as the admin API answers it. */
export type DlqEntry = {
  id: string;
  status: string;
  originalTopic: string;
  partition: number;
  offset: string;
  consumerGroup: string | null;
  eventId: string | null;
  fingerprint: string;
  error: { class: string; message: string; reason: string };
};

/** One entry in full: with its history (who did what to it, and through which OAuth client). */
export type DlqEntryDetail = DlqEntry & {
  history: { action: string; by?: string; clientId?: string; detail?: string }[];
};

/** The run's quarantined (or replayed, discarded) entries of one event type, asked as `adminToken`. */
export async function messagesOfType(
  system: RunningSystem,
  adminToken: string,
  type: string,
  status: string,
): Promise<DlqEntry[]> {
  const res = await system.call(`/admin/dlq/messages?status=${status}&type=${type}`, { token: adminToken });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: DlqEntry[] }).items;
}

/**
 * Bytes that are no envelope, under an event type of their own (so a fingerprint of their own:
 * the store holds every earlier run's dead letters too), quarantined by both groups reading
 * order.events. The groups start at the topic's end once they join: a probe sent before
 * that is never theirs, so each attempt is a new type until one is quarantined by both.
 */
export function quarantinePoison(
  system: RunningSystem,
  producer: Producer,
  adminToken: string,
  note: string,
) {
  return eventually(
    async () => {
      const type = `Probe${randomUUID().replaceAll('-', '')}`;
      const body = { type, id: randomUUID(), note };
      await producer.send({
        topic: Topics.orderEvents.name,
        messages: [{ key: `probe-${randomUUID()}`, value: JSON.stringify(body) }],
      });
      const entries = await eventually(
        async () => {
          const items = await messagesOfType(system, adminToken, type, 'quarantined');
          expect(items.map((e) => e.consumerGroup)).toEqual(
            expect.arrayContaining([system.groups.notifications, system.groups.analytics]),
          );
          return items;
        },
        { timeoutMs: 10_000 },
      );
      return { type, body, entries };
    },
    { timeoutMs: 90_000 },
  );
}
