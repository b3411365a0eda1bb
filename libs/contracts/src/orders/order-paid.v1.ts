import { z } from 'zod';
import { currencySchema, entityIdSchema, minorUnitsSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * A payment for the order was captured. The amount is what was captured, which a reader may
 * compare with the order total; the reference is the payment provider's, for reconciliation.
 */
export const orderPaidV1 = defineEvent({
  type: 'OrderPaid',
  version: 1,
  payload: z.object({
    orderId: entityIdSchema,
    paymentReference: z.string().min(1).max(128),
    amountMinor: minorUnitsSchema,
    currency: currencySchema,
  }),
});

/** Payload of OrderPaid v1. */
export type OrderPaidV1 = z.infer<typeof orderPaidV1.payload>;
