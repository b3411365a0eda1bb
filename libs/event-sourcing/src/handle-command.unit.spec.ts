import { countingDecider, NotEnough, type CounterEvent } from './counter.spec-helper';
import { ExpectedVersionConflict } from './expected-version-conflict';
import { aggregateStream, handleCommand } from './handle-command';
import { InMemoryEventStore } from './in-memory-event-store';

const added = (by: number): CounterEvent => ({ type: 'Added', by });

async function storeWith(
  streamId: string,
  events: CounterEvent[],
): Promise<InMemoryEventStore<CounterEvent>> {
  const store = new InMemoryEventStore<CounterEvent>();
  await store.appendToStream(streamId, events, { expectedVersion: 0, stateAfter: undefined });
  return store;
}

describe('handleCommand', () => {
  it('decides on the folded stream, appends the new events and answers the new state and version', async () => {
    const store = await storeWith('c-1', [added(2), added(3)]);
    const decider = countingDecider();

    const result = await handleCommand(store, decider, 'c-1', { type: 'Take', by: 4 });

    expect(result).toEqual({
      newEvents: [{ type: 'Taken', by: 4 }],
      newState: { count: 1 },
      nextExpectedVersion: 3,
    });
    expect((await store.readStream('c-1')).events).toEqual([added(2), added(3), { type: 'Taken', by: 4 }]);
  });

  it('runs evolve once per stored event and once per new event, never a second fold', async () => {
    const store = await storeWith('c-1', [added(1), added(1), added(1)]);
    const decider = countingDecider();

    const result = await handleCommand(store, decider, 'c-1', { type: 'AddEach', amounts: [1, 2] });

    expect(result.newState).toEqual({ count: 6 });
    expect(decider.evolveCalls).toBe(3 + 2);
  });

  it('hands the store the state after the new events, with the version it decided on', async () => {
    const store = await storeWith('c-1', [added(5)]);
    const append = jest.spyOn(store, 'appendToStream');

    await handleCommand(store, countingDecider(), 'c-1', { type: 'Add', by: 1 });

    expect(append).toHaveBeenCalledWith('c-1', [added(1)], { expectedVersion: 1, stateAfter: { count: 6 } });
  });

  it('appends nothing and keeps the version when the command decides no events', async () => {
    const store = await storeWith('c-1', [added(5)]);
    const append = jest.spyOn(store, 'appendToStream');

    const result = await handleCommand(store, countingDecider(), 'c-1', { type: 'Add', by: 0 });

    expect(result).toEqual({ newEvents: [], newState: { count: 5 }, nextExpectedVersion: 1 });
    expect(append).not.toHaveBeenCalled();
  });

  it('lets a rule the decider throws through and records nothing', async () => {
    const store = await storeWith('c-1', [added(1)]);

    await expect(
      handleCommand(store, countingDecider(), 'c-1', { type: 'Take', by: 2 }),
    ).rejects.toBeInstanceOf(NotEnough);
    expect((await store.readStream('c-1')).version).toBe(1);
  });

  it('makes the command from the state and version as read, once', async () => {
    const store = await storeWith('c-1', [added(4)]);
    const seen: unknown[] = [];

    const result = await handleCommand(store, countingDecider(), 'c-1', (state, version) => {
      seen.push({ state, version });
      return { type: 'Take', by: state.count };
    });

    expect(seen).toEqual([{ state: { count: 4 }, version: 1 }]);
    expect(result.newState).toEqual({ count: 0 });
  });

  it('refuses with ExpectedVersionConflict when the stream is not at the expected version', async () => {
    const store = await storeWith('c-1', [added(1), added(1)]);

    const refused = handleCommand(
      store,
      countingDecider(),
      'c-1',
      { type: 'Add', by: 1 },
      { expectedVersion: 1 },
    );

    await expect(refused).rejects.toEqual(new ExpectedVersionConflict('c-1', 1, 2));
    expect((await store.readStream('c-1')).version).toBe(2);
  });

  it('fails with ExpectedVersionConflict when another writer appended between read and append', async () => {
    const store = await storeWith('c-1', [added(1)]);
    const decider = countingDecider();
    const decide = decider.decide.bind(decider);
    decider.decide = (command, state) => {
      const decided = decide(command, state);
      void store.appendToStream('c-1', [added(9)], { expectedVersion: 1, stateAfter: undefined });
      return decided;
    };

    const refused = handleCommand(store, decider, 'c-1', { type: 'Add', by: 1 });

    await expect(refused).rejects.toEqual(new ExpectedVersionConflict('c-1', 1, 2));
    expect((await store.readStream('c-1')).events).toEqual([added(1), added(9)]);
  });

  it("creates a stream without reading it when told 'no-stream', and conflicts if it exists", async () => {
    const store = new InMemoryEventStore<CounterEvent>();
    const read = jest.spyOn(store, 'readStream');

    const created = await handleCommand(
      store,
      countingDecider(),
      'c-1',
      { type: 'Add', by: 2 },
      {
        expectedVersion: 'no-stream',
      },
    );
    const again = handleCommand(
      store,
      countingDecider(),
      'c-1',
      { type: 'Add', by: 2 },
      {
        expectedVersion: 'no-stream',
      },
    );

    expect(created).toEqual({ newEvents: [added(2)], newState: { count: 2 }, nextExpectedVersion: 1 });
    await expect(again).rejects.toEqual(new ExpectedVersionConflict('c-1', 0, 1));
    expect(read).not.toHaveBeenCalled();
  });
});

describe('aggregateStream', () => {
  it('folds a stream into its state and version, and an unknown stream into the initial state at 0', async () => {
    const store = await storeWith('c-1', [added(2), added(3)]);

    expect(await aggregateStream(store, countingDecider(), 'c-1')).toEqual({
      state: { count: 5 },
      version: 2,
    });
    expect(await aggregateStream(store, countingDecider(), 'c-2')).toEqual({
      state: { count: 0 },
      version: 0,
    });
  });
});
