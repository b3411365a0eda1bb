/** Where the outbox reports what it could not do; pino's signature. */
export interface OutboxLogger {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The logger of an outbox given none (tests, tools): says nothing. */
export const silentOutboxLogger: OutboxLogger = { error: () => undefined, warn: () => undefined };
