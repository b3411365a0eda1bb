import { z } from 'zod';

/**
 * Field schemas that several events share, so that an id or an amount means the same thing in
 * every payload. Ids are opaque strings with the bounds of `aggregateId`, because payload ids
 * become record keys.
 */
export const entityIdSchema = z.string().min(1).max(128);

/** ISO-8601 instant with an offset, as in the envelope's `occurredAt`. */
export const instantSchema = z.iso.datetime({ offset: true });

/** ISO-4217 alphabetic code; which codes exist is the payment provider's business, not ours. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code of three uppercase letters');

/**
 * Money in integer minor units (cents for EUR, yen for JPY), always beside a currency:
 * floats cannot hold 0.10 exactly, and safe integers reach 90 trillion units.
 */
export const minorUnitsSchema = z.int().min(0);
