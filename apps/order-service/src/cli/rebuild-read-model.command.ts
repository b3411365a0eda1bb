import { Pool } from 'pg';
import type { OrderServiceConfig } from '../config/order-service.config';
import { OrderSummariesRebuild } from '../orders/infrastructure/order-summaries.rebuild';

/**
 * `node main.js rebuild-read-model`: replays the event store into a fresh order_summaries and
 * swaps it in while the service keeps running (see OrderSummariesRebuild). Prints one JSON
 * line with what it did; exits 1 with the reason when it cannot.
 */
export async function rebuildReadModel(config: OrderServiceConfig): Promise<void> {
  const pool = new Pool({ connectionString: config.ORDER_DATABASE_URL, max: 1 });
  try {
    const report = await new OrderSummariesRebuild(pool).run();
    process.stdout.write(`${JSON.stringify({ msg: 'read model rebuilt', ...report })}\n`);
  } catch (error) {
    process.stderr.write(
      `read-model rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
