import { ExpectedVersionConflict } from './expected-version-conflict';
import { InMemoryEventStore } from './in-memory-event-store';

type Note = { text: string };
const append = (store: InMemoryEventStore<Note>, id: string, events: Note[], expectedVersion: number) =>
  store.appendToStream(id, events, { expectedVersion, stateAfter: undefined });

describe('InMemoryEventStore', () => {
  it('reads an unknown stream as no events at version 0', async () => {
    expect(await new InMemoryEventStore<Note>().readStream('s-1')).toEqual({ events: [], version: 0 });
  });

  it('appends in order, numbering versions from 1, and keeps streams apart', async () => {
    const store = new InMemoryEventStore<Note>();

    expect(await append(store, 's-1', [{ text: 'a' }, { text: 'b' }], 0)).toEqual({ nextExpectedVersion: 2 });
    expect(await append(store, 's-1', [{ text: 'c' }], 2)).toEqual({ nextExpectedVersion: 3 });
    await append(store, 's-2', [{ text: 'x' }], 0);

    expect(await store.readStream('s-1')).toEqual({
      events: [{ text: 'a' }, { text: 'b' }, { text: 'c' }],
      version: 3,
    });
    expect(await store.readStream('s-2')).toEqual({ events: [{ text: 'x' }], version: 1 });
  });

  it('refuses an append at a stale version with ExpectedVersionConflict and records nothing', async () => {
    const store = new InMemoryEventStore<Note>();
    await append(store, 's-1', [{ text: 'a' }], 0);

    await expect(append(store, 's-1', [{ text: 'b' }], 0)).rejects.toEqual(
      new ExpectedVersionConflict('s-1', 0, 1),
    );
    await expect(append(store, 's-1', [{ text: 'b' }], 2)).rejects.toBeInstanceOf(ExpectedVersionConflict);
    expect(await store.readStream('s-1')).toEqual({ events: [{ text: 'a' }], version: 1 });
  });

  it('lets only one of two writers that read the same version append', async () => {
    const store = new InMemoryEventStore<Note>();
    const results = await Promise.allSettled([
      append(store, 's-1', [{ text: 'first' }], 0),
      append(store, 's-1', [{ text: 'second' }], 0),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await store.readStream('s-1')).version).toBe(1);
  });

  it('answers the expected version and writes nothing for an append of no events', async () => {
    const store = new InMemoryEventStore<Note>();

    expect(await append(store, 's-1', [], 0)).toEqual({ nextExpectedVersion: 0 });
    expect(await store.readStream('s-1')).toEqual({ events: [], version: 0 });
  });

  it('keeps its own copies, so mutating what was appended or read changes no stream', async () => {
    const store = new InMemoryEventStore<Note>();
    const note = { text: 'a' };
    await append(store, 's-1', [note], 0);
    note.text = 'changed';
    const read = await store.readStream('s-1');
    (read.events[0] as Note).text = 'changed too';

    expect((await store.readStream('s-1')).events).toEqual([{ text: 'a' }]);
  });
});
