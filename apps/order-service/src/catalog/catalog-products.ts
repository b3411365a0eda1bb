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

/** The catalog_products table: what the shop sells, at what price. */
@Injectable()
export class CatalogProducts {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** The catalog's entries of `skus` (unknown ones are absent), read in the caller's transaction if any. */
  async pricesOf(skus: readonly string[]): Promise<Map<string, CatalogProduct>> {
    const rows = (await this.unitOfWork
      .runner()
      .query(`SELECT ${COLUMNS} FROM catalog_products WHERE sku = ANY($1::text[])`, [
        [...new Set(skus)],
      ])) as ProductRow[];
    return new Map(rows.map((row) => [row.sku, productOf(row)]));
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
    return productOf(row);
  }
}
