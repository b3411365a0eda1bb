import { z } from 'zod';

/**
 * Shapes of the bodies. Business rules (at least one line, quantities above 0, a valid
 * currency, the total) are the domain's, which answers them with their own codes.
 */
export const placeOrderBodySchema = z.object({
  lines: z.array(
    z.object({
      sku: z.string().min(1).max(64),
      quantity: z.int(),
      unitPriceMinor: z.int(),
    }),
  ),
  currency: z.string().min(1).max(8),
});
export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;

export const payOrderBodySchema = z.object({
  amountMinor: z.int(),
  currency: z.string().min(1).max(8),
  paymentReference: z.string().min(1).max(128),
});
export type PayOrderBody = z.infer<typeof payOrderBodySchema>;

export const shipOrderBodySchema = z.object({
  carrier: z.string().min(1).max(64).optional(),
  trackingNumber: z.string().min(1).max(128).optional(),
});
export type ShipOrderBody = z.infer<typeof shipOrderBodySchema>;

export const cancelOrderBodySchema = z.object({
  reason: z.string().min(1).max(500),
});
export type CancelOrderBody = z.infer<typeof cancelOrderBodySchema>;

export const emptyBodySchema = z.object({});

export const listOrdersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
