import { z } from 'zod';
import { currencySchema, entityIdSchema, minorUnitsSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

const orderLineSchema = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.int().positive(),
  unitPriceMinor: minorUnitsSchema,
});

/**
 * A customer placed an order. Money is integer minor units with one currency for the whole
 * order, so any ISO-4217 currency works without float arithmetic. The total is carried (readers
 * should not each re-add it) and must equal the sum of the lines: discounts or shipping, when
 * they come, arrive as lines of their own or as a new version.
 */
export const orderPlacedV2 = defineEvent({
  type: 'OrderPlaced',
  version: 2,
  payload: z
    .object({
      orderId: entityIdSchema,
      customerId: entityIdSchema,
      lines: z.array(orderLineSchema).min(1),
      currency: currencySchema,
      totalMinor: minorUnitsSchema,
    })
    .refine((order) => order.totalMinor === totalOfLines(order.lines), {
      message: 'must equal the sum of quantity * unitPriceMinor over the lines',
      path: ['totalMinor'],
    }),
});

/** Payload of OrderPlaced v2, the current version. */
export type OrderPlacedV2 = z.infer<typeof orderPlacedV2.payload>;

/** One line of an OrderPlaced v2. */
export type OrderLine = z.infer<typeof orderLineSchema>;

/** The amount an order's lines add up to, in minor units; what `totalMinor` must equal. */
export function totalOfLines(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
}
