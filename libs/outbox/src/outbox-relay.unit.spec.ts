import { OutboxRelay } from './outbox-relay';

const publish = async () => undefined;

describe('OutboxRelay', () => {
  it('is built from a table, a database and a publish alone (no registry, no logger), and stops unstarted', async () => {
    // The pool connects lazily: nothing here touches the (unreachable) server.
    const relay = new OutboxRelay({
      table: 'outbox',
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      publish,
    });
    await expect(relay.stop()).resolves.toBeUndefined();
  });

  it('refuses a table name that could smuggle SQL', () => {
    expect(
      () => new OutboxRelay({ table: 'outbox; --', connectionString: 'postgres://x/y', publish }),
    ).toThrow(/not a plain lowercase SQL identifier/);
  });
});
