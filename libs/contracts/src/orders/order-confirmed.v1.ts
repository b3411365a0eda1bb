import { z } from 'zod';
import { entityIdSchema } from '../common-fields';
import { defineEvent } from '../event-definition';

/** The merchant accepted the order for fulfilment; when is the envelope's `occurredAt`. */
export const orderConfirmedV1 = defineEvent({
  type: 'OrderConfirmed',
  version: 1,
  payload: z.object({
    orderId: entityIdSchema,
  }),
});

/** Payload of OrderConfirmed v1. */
export type OrderConfirmedV1 = z.infer<typeof orderConfirmedV1.payload>;
