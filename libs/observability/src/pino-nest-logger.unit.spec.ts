import { createLogger } from './logger';
import { PinoNestLogger } from './pino-nest-logger';

describe('PinoNestLogger', () => {
  function nestLogger(level: 'trace' | 'info' = 'trace') {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      serviceName: 'order-service',
      level,
      destination: { write: (line: string) => lines.push(JSON.parse(line)) },
    });
    return { lines, nest: new PinoNestLogger(logger) };
  }

  it('writes Nest log calls as JSON with the context as a field', () => {
    const { lines, nest } = nestLogger();
    nest.log('Nest application successfully started', 'NestApplication');
    nest.verbose('details', 'InstanceLoader');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'Nest application successfully started',
        context: 'NestApplication',
      }),
      expect.objectContaining({ level: 'trace', msg: 'details', context: 'InstanceLoader' }),
    ]);
  });

  it('keeps the stack Nest passes with an error, apart from the context', () => {
    const { lines, nest } = nestLogger();
    const error = new Error('boom');
    nest.error('boom', error.stack, 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler' });
    expect(lines[0]['stack']).toContain('Error: boom\n    at ');
  });

  it('logs an Error given as the message with its type and stack', () => {
    const { lines, nest } = nestLogger();
    nest.error(new TypeError('bad input'));
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'bad input',
      err: { type: 'TypeError', message: 'bad input' },
    });
  });

  it('merges an object message into the line', () => {
    const { lines, nest } = nestLogger();
    nest.warn({ orderId: 'o-1', msg: 'late payment' }, 'Payments');
    expect(lines[0]).toMatchObject({
      level: 'warn',
      orderId: 'o-1',
      msg: 'late payment',
      context: 'Payments',
    });
  });

  it('follows the log levels Nest sets', () => {
    const { lines, nest } = nestLogger();
    nest.setLogLevels(['warn', 'error', 'fatal']);
    nest.log('hidden');
    nest.warn('shown');
    expect(lines.map((line) => line['msg'])).toEqual(['shown']);
  });
});
