import { channelOf, outboxSchemaSql } from './outbox.schema';
import { relayBackoffMs } from './relay-backoff';

describe('outbox schema', () => {
  it('refuses a table name that could smuggle SQL into the DDL', () => {
    expect(() => outboxSchemaSql({ table: 'outbox; DROP TABLE users' })).toThrow(
      /not a plain lowercase SQL identifier/,
    );
    expect(() => outboxSchemaSql({ table: 'Outbox' })).toThrow();
  });

  it('notifies on a channel named after the table unless one is given', () => {
    expect(channelOf({ table: 'outbox' })).toBe('outbox_inserted');
    expect(channelOf({ table: 'outbox', channel: 'identity_outbox' })).toBe('identity_outbox');
    expect(outboxSchemaSql({ table: 'outbox' }).up.join('\n')).toContain("pg_notify('outbox_inserted'");
  });
});

describe('relay backoff', () => {
  it('doubles from the initial delay up to the cap, within the jitter', () => {
    const bounds = { initialMs: 200, maxMs: 10_000 };
    expect(relayBackoffMs(1, bounds, () => 0.5)).toBe(200);
    expect(relayBackoffMs(3, bounds, () => 0.5)).toBe(800);
    expect(relayBackoffMs(20, bounds, () => 0.5)).toBe(10_000);
    expect(relayBackoffMs(1, bounds, () => 0)).toBe(160);
    expect(relayBackoffMs(1, bounds, () => 1)).toBe(240);
  });
});
