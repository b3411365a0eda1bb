import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/** The order left the warehouse. Carrier and tracking are optional: some deliveries have neither. */
export const orderShippedV1 = defineEvent({
  type: 'OrderShipped',
  version: 1,
  payload: z.object({
    orderId: entityIdSchema,
    carrier: z.string().min(1).max(64).optional(),
    trackingNumber: z.string().min(1).max(128).optional(),
  }),
});

/** Payload of OrderShipped v1. */
export type OrderShippedV1 = z.infer<typeof orderShippedV1.payload>;
