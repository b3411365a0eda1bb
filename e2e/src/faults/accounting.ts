// The accounting that ends every fault scenario, as a pure function of what the stores hold:
// every event the services accepted (their outboxes) is found exactly once in effect in each
// downstream store, or quarantined for that store's consumer group, and nothing else is there.

/** An event as its producer recorded it. */
export interface SourceEvent {
  id: string;
  type: string;
}

/** A quarantine entry, reduced to what the accounting matches on. */
export interface QuarantinedRecord {
  eventId: string | null;
  consumerGroup: string | null;
  originalTopic: string;
  key: string | null;
}

/** What the downstream stores hold after a scenario. */
export interface Effects {
  /** ClickHouse, read with FINAL: rows per event id (1 = exactly once in effect). */
  analytics: ReadonlyMap<string, number>;
  /** MongoDB: notifications per source event id (email only: one per notifying event). */
  notifications: ReadonlyMap<string, number>;
  quarantined: readonly QuarantinedRecord[];
}

export interface AccountingInput {
  /** Everything the services published: the union of their outboxes. */
  accepted: readonly SourceEvent[];
  /** Valid events the scenario produced itself (poison whose handler fails somewhere). */
  injected: readonly SourceEvent[];
  /** Keys of undecodable records the scenario produced (every consumer group must quarantine them). */
  undecodableKeys: readonly string[];
  groups: { analytics: string; notifications: string };
  effects: Effects;
}

/** One store's account. Every list must be empty for the scenario to pass. */
export interface StoreAccount {
  expected: number;
  inEffect: number;
  quarantined: number;
  /** Neither in effect nor quarantined: lost. */
  missing: string[];
  /** In effect more than once. */
  overcounted: string[];
  /** In effect, but no producer ever published it. */
  unknown: string[];
}

export interface Accounting {
  analytics: StoreAccount;
  notifications: StoreAccount;
  /** Undecodable records not quarantined by every consumer group of their topic. */
  undecodableMissing: string[];
}

/** The event types that notify a user (one email each). */
export const NOTIFYING_TYPES: ReadonlySet<string> = new Set([
  'UserRegistered',
  'OrderConfirmed',
  'OrderShipped',
  'OrderCancelled',
]);

/** Balances what was accepted and injected against what the stores hold. */
export function account(input: AccountingInput): Accounting {
  const events = [...input.accepted, ...input.injected];
  const quarantinedFor = (group: string) =>
    new Set(input.effects.quarantined.filter((q) => q.consumerGroup === group).map((q) => q.eventId));
  const undecodableMissing = input.undecodableKeys.filter(
    (key) =>
      ![input.groups.analytics, input.groups.notifications].every((group) =>
        input.effects.quarantined.some((q) => q.key === key && q.consumerGroup === group),
      ),
  );
  return {
    analytics: balance(events, input.effects.analytics, quarantinedFor(input.groups.analytics)),
    notifications: balance(
      events.filter((e) => NOTIFYING_TYPES.has(e.type)),
      input.effects.notifications,
      quarantinedFor(input.groups.notifications),
    ),
    undecodableMissing,
  };
}

function balance(
  expected: readonly SourceEvent[],
  effect: ReadonlyMap<string, number>,
  quarantined: ReadonlySet<string | null>,
): StoreAccount {
  const ids = new Set(expected.map((e) => e.id));
  const account: StoreAccount = {
    expected: ids.size,
    inEffect: 0,
    quarantined: 0,
    missing: [],
    overcounted: [],
    unknown: [...effect.keys()].filter((id) => !ids.has(id)),
  };
  for (const id of ids) {
    const count = effect.get(id) ?? 0;
    if (count > 1) account.overcounted.push(id);
    if (count >= 1) account.inEffect += 1;
    else if (quarantined.has(id)) account.quarantined += 1;
    else account.missing.push(id);
  }
  return account;
}

/** True when nothing is lost, doubled or invented. */
export function balanced(accounting: Accounting): boolean {
  const clean = (s: StoreAccount) => !s.missing.length && !s.overcounted.length && !s.unknown.length;
  return (
    clean(accounting.analytics) && clean(accounting.notifications) && !accounting.undecodableMissing.length
  );
}

/** The account in a line or two, with at most a few ids of each kind of defect. */
export function describe(accounting: Accounting): string {
  const few = (ids: string[]) =>
    ids.length ? ` [${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}]` : '';
  const line = (name: string, s: StoreAccount) =>
    `${name}: ${s.expected} expected, ${s.inEffect} in effect once, ${s.quarantined} quarantined, ` +
    `${s.missing.length} missing${few(s.missing)}, ${s.overcounted.length} doubled${few(s.overcounted)}, ` +
    `${s.unknown.length} unknown${few(s.unknown)}`;
  return [
    line('analytics', accounting.analytics),
    line('notifications', accounting.notifications),
    `undecodable not quarantined by every group: ${accounting.undecodableMissing.length}${few(accounting.undecodableMissing)}`,
  ].join('\n');
}
