import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The products the shop sells and their prices, which orders are charged (never a price from
 * the client). Seeded with the demo products the README, tools/demo, tools/load and the tests
 * order; admins change them through `PUT /catalog/{sku}`. A price is above 0 and a safe integer,
 * so an order can never be charged nothing and a total stays exact.
 */
export class Catalog1764000000008 implements MigrationInterface {
  name = 'Catalog1764000000008';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE catalog_products (
      sku text PRIMARY KEY,
      name text NOT NULL,
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor > 0 AND unit_price_minor <= 9007199254740991),
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`INSERT INTO catalog_products (sku, name, unit_price_minor, currency) VALUES
      ('BOOK-1', 'A book', 1250, 'EUR'),
      ('PEN-1', 'A pen', 199, 'EUR'),
      ('MUG-1', 'A mug', 900, 'EUR'),
      ('LAMP-1', 'A desk lamp', 4990, 'EUR'),
      ('FAULT-1', 'Fault-suite widget', 1250, 'EUR'),
      ('FUZZ-1', 'Fuzzing widget', 150, 'EUR')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE catalog_products');
  }
}
