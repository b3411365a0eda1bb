import { z } from 'zod';
import { text } from '../text';
import type { HttpApiSpec } from './http-api';
import { skuSchema } from './orders.api';

/**
 * One product as an admin writes it (`PUT /catalog/{sku}`). Prices are integer minor units above
 * 0: a product that costs nothing cannot be ordered, so an order can never be charged 0 by a
 * typo. An inactive product stays in the catalog (orders name it) but cannot be ordered.
 */
export const catalogProductBodySchema = z.strictObject({
  name: text({ max: 200 }),
  unitPriceMinor: z
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('price of one unit in minor units (cents)'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code of three uppercase letters')
    .describe('ISO 4217, e.g. EUR'),
  active: z.boolean().default(true).describe('false: kept, but orders naming it are refused'),
});
export type CatalogProductBody = z.infer<typeof catalogProductBodySchema>;

/** The SKU in `PUT /catalog/{sku}`. */
export const catalogSkuParamSchema = skuSchema;

const productSchema = z.object({
  sku: z.string(),
  name: z.string(),
  unitPriceMinor: z.int(),
  currency: z.string(),
  active: z.boolean(),
});

/** order-service's catalog, behind the gateway's `/catalog` route (bearer token required). */
export const catalogHttpApi: HttpApiSpec = {
  prefix: '/catalog',
  operations: [
    {
      method: 'GET',
      path: '/catalog',
      operationId: 'listProducts',
      summary: 'Every product with its price (any signed-in caller)',
      responses: { 200: { description: 'by SKU', body: z.object({ items: z.array(productSchema) }) } },
    },
    {
      method: 'PUT',
      path: '/catalog/{sku}',
      operationId: 'saveProduct',
      summary: 'Create or change a product (admin)',
      roles: ['admin'],
      params: { sku: 'the SKU' },
      body: catalogProductBodySchema,
      responses: {
        200: { description: 'the product as stored', body: productSchema },
        400: { description: 'ORDER.INVALID_BODY, with `errors` naming each invalid field' },
        403: { description: 'ORDER.FORBIDDEN: only admins edit the catalog' },
      },
    },
  ],
};
