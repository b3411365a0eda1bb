/** The runtime logs through this; pino, Nest's Logger and console all fit. */
export interface RuntimeLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** The logger of a runtime given none (tests, tools): says nothing. */
export const silentRuntimeLogger: RuntimeLogger = { warn: () => undefined, error: () => undefined };
