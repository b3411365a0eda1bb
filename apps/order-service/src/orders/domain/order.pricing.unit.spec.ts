import { OrderRuleViolation } from './order.errors';
import { priceLines, type CatalogPrice } from './order.pricing';

const product = (sku: string, unitPriceMinor: number, currency = 'EUR', active = true): CatalogPrice => ({
  sku,
  unitPriceMinor,
  currency,
  active,
});
const catalog = new Map(
  [
    product('BOOK-1', 1250),
    product('PEN-1', 199),
    product('OLD-1', 500, 'EUR', false),
    product('TEA-1', 300, 'GBP'),
  ].map((p) => [p.sku, p]),
);

function violationOf(decision: () => unknown): OrderRuleViolation {
  try {
    decision();
  } catch (error) {
    if (error instanceof OrderRuleViolation) return error;
    throw error;
  }
  throw new Error('expected a violation, but the lines were priced');
}

describe('pricing an order from the catalog', () => {
  it('charges each line the catalog price, in the catalog currency', () => {
    expect(
      priceLines(
        [
          { sku: 'BOOK-1', quantity: 2 },
          { sku: 'PEN-1', quantity: 3 },
        ],
        catalog,
      ),
    ).toEqual({
      lines: [
        { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1250 },
        { sku: 'PEN-1', quantity: 3, unitPriceMinor: 199 },
      ],
      currency: 'EUR',
    });
  });

  it.each([
    ['not in the catalog', 'NOPE-1'],
    ['inactive', 'OLD-1'],
  ])('refuses a SKU that is %s, naming its line', (_why, sku) => {
    const violation = violationOf(() =>
      priceLines(
        [
          { sku: 'BOOK-1', quantity: 1 },
          { sku, quantity: 1 },
        ],
        catalog,
      ),
    );
    expect(violation.code).toBe('ORDER.UNKNOWN_SKU');
    expect(violation.field).toBe('lines.1.sku');
  });

  it('refuses lines priced in two currencies', () => {
    const violation = violationOf(() =>
      priceLines(
        [
          { sku: 'BOOK-1', quantity: 1 },
          { sku: 'TEA-1', quantity: 1 },
        ],
        catalog,
      ),
    );
    expect(violation.code).toBe('ORDER.MIXED_CURRENCY');
    expect(violation.field).toBe('lines.1.sku');
  });

  it('refuses an order without lines', () => {
    expect(violationOf(() => priceLines([], catalog)).code).toBe('ORDER.EMPTY');
  });
});
