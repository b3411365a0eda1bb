import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/**
 * The order will not be fulfilled. `cancelledBy` is the kind of actor, so that a notification
 * can say "you cancelled" or "we cancelled"; who exactly is found through the correlation id.
 */
export const orderCancelledV1 = defineEvent({
  type: 'OrderCancelled',
  version: 1,
  payload: z.object({
    orderId: entityIdSchema,
    reason: z.string().min(1).max(500),
    cancelledBy: z.enum(['customer', 'merchant', 'system']),
  }),
});

/** Payload of OrderCancelled v1. */
export type OrderCancelledV1 = z.infer<typeof orderCancelledV1.payload>;
