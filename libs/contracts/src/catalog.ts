import type { z } from 'zod';
import { compiledSchema } from './compiled-schema';
import { UnknownEventError } from './contract-error';
import type { EventEnvelope } from './envelope';
import type { EventDefinition, PayloadOfDefinition, Upcaster } from './event-definition';
import { refreshTokenFamilyRevokedV1 } from './identity/refresh-token-family-revoked.v1';
import { registrationAttemptedV1 } from './identity/registration-attempted.v1';
import { userLoggedInV1 } from './identity/user-logged-in.v1';
import { userLoggedOutV1 } from './identity/user-logged-out.v1';
import { userRegisteredV1 } from './identity/user-registered.v1';
import { userRolesChangedV1 } from './identity/user-roles-changed.v1';
import { notificationRequestedV1 } from './notifications/notification-requested.v1';
import { orderCancelledV1 } from './orders/order-cancelled.v1';
import { orderConfirmedV1 } from './orders/order-confirmed.v1';
import { orderPaidV1 } from './orders/order-paid.v1';
import { orderPlacedV1 } from './orders/order-placed.v1';
import { upcastOrderPlacedV1ToV2 } from './orders/order-placed.upcaster';
import { orderPlacedV2 } from './orders/order-placed.v2';
import { orderShippedV1 } from './orders/order-shipped.v1';

/** The current version of every event: what producers write and what consumers are handed. */
const latestDefinitions = [
  userRegisteredV1,
  userLoggedInV1,
  userLoggedOutV1,
  refreshTokenFamilyRevokedV1,
  registrationAttemptedV1,
  userRolesChangedV1,
  orderPlacedV2,
  orderConfirmedV1,
  orderPaidV1,
  orderShippedV1,
  orderCancelledV1,
  notificationRequestedV1,
] as const;

type LatestDefinition = (typeof latestDefinitions)[number];

/** Every event type the system knows, e.g. `'OrderPlaced'`. */
export type EventType = LatestDefinition['type'];

type EnvelopeOf<D extends EventDefinition> = D extends unknown
  ? Omit<EventEnvelope, 'type' | 'version' | 'payload'> & {
      type: D['type'];
      version: D['version'];
      payload: z.output<D['payload']>;
    }
  : never;

/**
 * Any event at its latest version, as a union discriminated by `type`: `switch (event.type)`
 * narrows `payload`, and a `never` default proves every event is handled.
 */
export type DomainEvent = EnvelopeOf<LatestDefinition>;

/** The event of one type, e.g. `EventOf<'OrderPlaced'>`. */
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** The latest payload of one event type. */
export type PayloadOf<T extends EventType> = EventOf<T>['payload'];

/** An older version and how to lift it one version up. */
interface SupersededVersion {
  readonly from: EventDefinition;
  readonly toVersion: number;
  readonly upcast: (payload: unknown) => unknown;
}

function superseded<From extends EventDefinition, To extends EventDefinition<From['type']>>(
  from: From,
  to: To,
  upcast: Upcaster<From, To>,
): SupersededVersion {
  // The payload was parsed by `from.payload` before any upcast runs, so the cast is proven at run time.
  return { from, toVersion: to.version, upcast: (payload) => upcast(payload as PayloadOfDefinition<From>) };
}

/** Every version that is no longer written but may still be read (old records, DLQ replays). */
const supersededVersions: readonly SupersededVersion[] = [
  superseded(orderPlacedV1, orderPlacedV2, upcastOrderPlacedV1ToV2),
];

/** One readable version of an event; `toLatest` is absent on the latest version. */
export interface CatalogEntry {
  readonly definition: EventDefinition;
  /** `definition.payload` compiled once (z.compile): what the codec parses with. */
  readonly payload: z.ZodType;
  readonly toLatest?: (payload: unknown) => unknown;
  /** The latest version's compiled payload schema, which an upcast result must pass. */
  readonly latestPayload: z.ZodType;
}

/**
 * type -> version -> entry. Upcasters are composed here, once, so that reading an old event
 * costs one call however many versions it is behind. A gap in the chain fails at load, not
 * on the first old message in production.
 */
function buildCatalog(): ReadonlyMap<string, ReadonlyMap<number, CatalogEntry>> {
  const byType = new Map<string, Map<number, CatalogEntry>>();
  for (const definition of latestDefinitions) {
    const payload = compiledSchema(definition.payload);
    const entry: CatalogEntry = { definition, payload, latestPayload: payload };
    byType.set(definition.type, new Map([[definition.version, entry]]));
  }
  const newestFirst = [...supersededVersions].sort((a, b) => b.from.version - a.from.version);
  for (const { from, toVersion, upcast } of newestFirst) {
    const versions = byType.get(from.type);
    const next = versions?.get(toVersion);
    if (!versions || !next || toVersion !== from.version + 1) {
      throw new Error(
        `contracts catalog: ${from.type} v${from.version} must upcast to a known v${from.version + 1}`,
      );
    }
    const nextToLatest = next.toLatest;
    const toLatest = nextToLatest ? (payload: unknown) => nextToLatest(upcast(payload)) : upcast;
    versions.set(from.version, {
      definition: from,
      payload: compiledSchema(from.payload),
      toLatest,
      latestPayload: next.latestPayload,
    });
  }
  return byType;
}

const catalog = buildCatalog();
const latestByType: ReadonlyMap<string, LatestDefinition> = new Map(
  latestDefinitions.map((d) => [d.type, d]),
);

/** Every event type the system knows, in catalog order. */
export const eventTypes: readonly EventType[] = latestDefinitions.map((d) => d.type);

/** The versions of `type` this build can read, oldest first; empty for an unknown type. */
export function knownVersionsOf(type: string): readonly number[] {
  return [...(catalog.get(type)?.keys() ?? [])].sort((a, b) => a - b);
}

/** True when `type` names an event in the catalog; narrows a string read from the wire. */
export function isKnownEventType(type: string): type is EventType {
  return latestByType.has(type);
}

/** The version producers write for `type`, and the version consumers receive after upcasting. */
export function latestVersionOf<T extends EventType>(type: T): EventOf<T>['version'] {
  const definition = latestByType.get(type);
  if (!definition) throw new UnknownEventError(type, null, `unknown event type "${type}"`);
  return definition.version as EventOf<T>['version'];
}

/** The versions of one type, for the codec; undefined when the type is unknown. */
export function versionsOf(type: string): ReadonlyMap<number, CatalogEntry> | undefined {
  return catalog.get(type);
}

/** The schema of the latest version of a type, for the codec's check after upcasting. */
export function latestDefinitionOf(type: EventType): EventDefinition {
  return latestByType.get(type) as EventDefinition;
}
