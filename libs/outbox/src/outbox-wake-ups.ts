import { Client } from 'pg';
import type { OutboxLogger } from './outbox-logger';

/** Where the relay listens, and for which table it logs. */
export interface OutboxWakeUpsOptions {
  connectionString: string;
  /** The NOTIFY channel of the table's inserts. */
  channel: string;
  /** Named in log lines. */
  table: string;
  logger: OutboxLogger;
}

/**
 * When a relay looks at its outbox again: at once after a NOTIFY on the table's channel (LISTEN
 * on a connection of its own), else after a poll interval. A dropped LISTEN connection degrades
 * to polling until `listen` reconnects it; a wake-up that arrives while the relay works is kept
 * for its next `sleep`.
 */
export class OutboxWakeUps {
  private listener: Client | undefined;
  private open = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly options: OutboxWakeUpsOptions) {}

  /** Opens, and listens if it can (a failure is logged: polling until `listen` works). */
  async start(): Promise<void> {
    this.open = true;
    await this.listen().catch((error: unknown) =>
      this.options.logger.warn(
        { err: error, table: this.options.table },
        'outbox LISTEN failed, polling until it works',
      ),
    );
  }

  /** Wakes a sleeper for good: every later `sleep` returns at once. */
  interrupt(): void {
    this.open = false;
    this.wake();
  }

  /** Closes the LISTEN connection. Idempotent. */
  async close(): Promise<void> {
    this.open = false;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Whether the LISTEN connection is up. */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Connects and LISTENs; keeps the connection only while open. */
  async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.options.logger.warn({ err: error, table: this.options.table }, 'outbox LISTEN connection lost');
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
    });
    await client.connect();
    await client.query(`LISTEN ${this.options.channel}`);
    if (!this.open) {
      await client.end();
      return;
    }
    this.listener = client;
  }

  /** Ends the current or the next sleep now. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Sleeps until `ms` pass or a wake-up (or interrupt) arrives; a wake-up during work is not lost. */
  async sleep(ms: number): Promise<void> {
    if (this.woken || !this.open) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }
}
