import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * The first OrderPlaced, from when the shop sold only in two-decimal currencies: prices were
 * decimal strings in major units and the total was left to each reader to add up. Superseded
 * by v2; kept so that old records and replays still read. Never edit it.
 */
export const orderPlacedV1 = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  payload: z.object({
    orderId: entityIdSchema,
    customerId: entityIdSchema,
    currency: z.enum(['EUR', 'USD', 'GBP']),
    lines: z
      .array(
        z.object({
          sku: z.string().min(1).max(64),
          quantity: z.int().positive(),
          price: z
            .string()
            .regex(/^\d{1,13}\.\d{2}$/, 'must be a decimal string with two decimals, e.g. "12.50"'),
        }),
      )
      .min(1),
  }),
});

/** Payload of OrderPlaced v1. */
export type OrderPlacedV1 = z.infer<typeof orderPlacedV1.payload>;
