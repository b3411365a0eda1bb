import { Injectable } from '@nestjs/common';
import type { CatalogProductBody } from '@platform/contracts';
import { UnitOfWork } from '../persistence/unit-of-work';
import type { CatalogPrice } from '../orders/domain/order.pricing';

/** A product of the catalog, as `GET /catalog` shows it. */
export interface CatalogProduct extends CatalogPrice {
  name: string;
}

interface ProductRow {
  sku: string;
  name: string;
  unit_price_minor: string; // bigint: pg answers a string; the CHECK keeps it a safe integer
  currency: string;
  active: boolean;
}

const COLUMNS = 'sku, name, unit_price_minor, currency, active';

function productOf(row: ProductRow): CatalogProduct {
  return {
    sku: row.sku,
    name: row.name,
    unitPriceMinor: Number(row.unit_price_minor),
    currency: row.currency,
    active: row.active,
  };
}

/** How fresh {@link CatalogProducts.pricesOf} must be. */
export interface PriceRead {
  /**
   * `false` (default): entries this instance read before will do, so pricing an order costs no
   * round trip; the caller must check them where it records (the order store's append does).
   * `true`: read them now, in the caller's transaction if any.
   */
  fresh?: boolean;
}

/**
 * The catalog_products table: what the shop sells, at what price. Keeps the entries it has read
 * (only SKUs that exist, so the cache is as large as the catalog at most) for pricing orders
 * without a round trip; an entry another instance changed stays stale here until a fresh read.
 */
@Injectable()
export class CatalogProducts {
  private readonly known = new Map<string, CatalogProduct>();

  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** The catalog's entries of `skus` (unknown ones are absent), as fresh as `read` asks. */
  async pricesOf(skus: readonly string[], read: PriceRead = {}): Promise<Map<string, CatalogProduct>> {
    const wanted = [...new Set(skus)];
    const missing = read.fresh ? wanted : wanted.filter((sku) => !this.known.has(sku));
    if (missing.length > 0) {
      const rows = (await this.unitOfWork
        .runner()
        .query(`SELECT ${COLUMNS} FROM catalog_products WHERE sku = ANY($1::text[])`, [
          missing,
        ])) as ProductRow[];
      for (const sku of missing) this.known.delete(sku);
      for (const row of rows) this.known.set(row.sku, productOf(row));
    }
    const prices = new Map<string, CatalogProduct>();
    for (const sku of wanted) {
      const product = this.known.get(sku);
      if (product) prices.set(sku, product);
    }
    return prices;
  }

  /** Every product, by SKU. */
  async list(): Promise<CatalogProduct[]> {
    const rows = (await this.unitOfWork
      .runner()
      .query(`SELECT ${COLUMNS} FROM catalog_products ORDER BY sku`)) as ProductRow[];
    return rows.map(productOf);
  }

  /** Creates or replaces the product `sku`; orders already placed keep the price they were charged. */
  async put(sku: string, product: CatalogProductBody): Promise<CatalogProduct> {
    const [row] = (await this.unitOfWork.runner().query(
      `INSERT INTO catalog_products (sku, name, unit_price_minor, currency, active)
         VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (sku) DO UPDATE SET name = $2, unit_price_minor = $3, currency = $4, active = $5, updated_at = now()
       RETURNING ${COLUMNS}`,
      [sku, product.name, product.unitPriceMinor, product.currency, product.active],
    )) as ProductRow[];
    if (!row) throw new Error(`catalog_products answered no row for ${sku}`);
    // Forgotten rather than replaced: the transaction this ran in may still roll back.
    this.known.delete(sku);
    return productOf(row);
  }
}
