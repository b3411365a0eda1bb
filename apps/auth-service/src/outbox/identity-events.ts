import { createEvent, type PayloadOf } from '@platform/contracts';
import { currentCorrelationId } from '@platform/observability';
import { appendToOutbox } from '@platform/outbox';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IDENTITY_OUTBOX } from './identity-outbox.table';

type IdentityEventType =
  | 'UserRegistered'
  | 'UserLoggedIn'
  | 'UserLoggedOut'
  | 'RefreshTokenFamilyRevoked'
  | 'RegistrationAttempted'
  | 'UserRolesChanged';

/** An identity event before it has an id, a version and a time. */
export type IdentityEventDraft = {
  [T in IdentityEventType]: { type: T; payload: PayloadOf<T> };
}[IdentityEventType];

/**
 * Records a user's events in the outbox, inside the caller's transaction. Bumping `users.version`
 * first gives each event its aggregateVersion and locks the user's row, so two transactions of
 * one user append (and commit) in order, which the relay's per-key order relies on.
 */
export async function recordIdentityEvents(
  manager: EntityManager,
  userId: string,
  drafts: IdentityEventDraft[],
): Promise<void> {
  const [rows] = (await manager.query(
    'UPDATE users SET version = version + $2 WHERE id = $1 RETURNING version',
    [userId, drafts.length],
  )) as [{ version: number }[], number];
  const last = rows[0]?.version;
  if (last === undefined) throw new Error(`user ${userId} vanished inside its own transaction`);
  const correlationId = currentCorrelationId() ?? randomUUID();
  const events = drafts.map((draft, i) =>
    createEvent({
      ...draft,
      aggregateId: userId,
      aggregateVersion: last - drafts.length + 1 + i,
      correlationId,
      causationId: null,
    } as Parameters<typeof createEvent>[0]),
  );
  await appendToOutbox(manager, IDENTITY_OUTBOX.table, events);
}
