import { Inject, Injectable, type LoggerService, type LogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { PINO_LOGGER } from './logger';

const LEVEL_OF: Record<LogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
// Most verbose first: the first Nest level enabled decides the pino threshold.
const NEST_LEVELS_BY_VERBOSITY: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * Nest's `LoggerService` on top of pino, so that Nest's own lines (startup, routes, unhandled
 * exceptions) are JSON with the same fields as the app's. Nest passes the logger's context as
 * the last string argument and, for errors, a stack before it; both become fields.
 */
@Injectable()
export class PinoNestLogger implements LoggerService {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  setLogLevels(levels: LogLevel[]): void {
    const lowest = NEST_LEVELS_BY_VERBOSITY.find((level) => levels.includes(level));
    this.logger.level = lowest ? LEVEL_OF[lowest] : 'silent';
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    const pinoLevel = LEVEL_OF[level];
    if (!this.logger.isLevelEnabled(pinoLevel)) return;
    const { fields, text } = toFields(level, message, params);
    this.logger[pinoLevel](fields, text);
  }
}

function toFields(
  level: LogLevel,
  message: unknown,
  params: unknown[],
): { fields: Record<string, unknown>; text?: string } {
  const rest = [...params];
  const fields: Record<string, unknown> = {};
  const last = rest.at(-1);
  if (typeof last === 'string' && !looksLikeStack(last)) {
    fields['context'] = last;
    rest.pop();
  }
  if (level === 'error' || level === 'fatal') {
    const stack = rest.findIndex((param) => typeof param === 'string' && looksLikeStack(param));
    if (stack >= 0) fields['stack'] = rest.splice(stack, 1)[0];
  }
  const error = rest.find((param): param is Error => param instanceof Error);
  if (error) fields['err'] = error;
  const extra = rest.filter((param) => param !== error && param !== undefined);
  if (extra.length > 0) fields['params'] = extra;

  if (message instanceof Error) return { fields: { ...fields, err: message }, text: message.message };
  if (typeof message === 'string') return { fields, text: message };
  if (message !== null && typeof message === 'object') return { fields: { ...message, ...fields } };
  return { fields, text: String(message) };
}

function looksLikeStack(value: string): boolean {
  return /\n\s+at /.test(value);
}
