import { OrderRuleViolation } from './order.errors';
import type { OrderLine } from './order.events';

/** What the catalog says of one SKU when an order is priced. */
export interface CatalogPrice {
  sku: string;
  unitPriceMinor: number;
  currency: string;
  active: boolean;
}

/** A line as the customer asks for it: what and how many, never at what price. */
export interface RequestedLine {
  sku: string;
  quantity: number;
}

/**
 * Prices the customer's lines from the catalog: each line is charged the catalog's unit price of
 * its SKU at this moment, and that price is what the order records. Every SKU must be sold
 * (known and active), and all lines must share one currency, which becomes the order's: an order
 * is paid in one currency, and converting is not this shop's business.
 */
export function priceLines(
  requested: readonly RequestedLine[],
  catalog: ReadonlyMap<string, CatalogPrice>,
): { lines: OrderLine[]; currency: string } {
  if (requested.length === 0) throw new OrderRuleViolation('ORDER.EMPTY', 'an order needs at least one line');
  const lines = requested.map(({ sku, quantity }, index) => {
    const product = catalog.get(sku);
    if (!product?.active) {
      throw new OrderRuleViolation(
        'ORDER.UNKNOWN_SKU',
        `lines.${index}.sku: "${sku}" is not sold (${product ? 'inactive' : 'not in the catalog'})`,
        `lines.${index}.sku`,
      );
    }
    return { sku, quantity, unitPriceMinor: product.unitPriceMinor, currency: product.currency };
  });
  const currency = lines[0]?.currency ?? '';
  const other = lines.findIndex((line) => line.currency !== currency);
  if (other !== -1) {
    throw new OrderRuleViolation(
      'ORDER.MIXED_CURRENCY',
      `lines.${other}.sku is priced in ${lines[other]?.currency}, line 0 in ${currency}: place one order per currency`,
      `lines.${other}.sku`,
    );
  }
  return {
    lines: lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
    currency,
  };
}
