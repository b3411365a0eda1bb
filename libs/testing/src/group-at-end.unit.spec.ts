import type { Admin } from 'kafkajs';
import { endOffsetsOf } from './group-at-end';

type Offsets = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

/** An admin whose offset answers fail with `failures` in turn, then succeed. */
function admin(failures: Error[]) {
  const calls = { offsets: 0, metadata: 0 };
  const offsets: Offsets = [{ partition: 0, offset: '7', high: '7', low: '0' }];
  return {
    calls,
    fetchTopicOffsets: async () => {
      calls.offsets += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return offsets;
    },
    fetchTopicMetadata: async () => {
      calls.metadata += 1;
      return { topics: [] };
    },
  };
}

describe('the end offsets of a topic that was just created', () => {
  it('are asked again while its leader is unknown, as kafkajs says it either way', async () => {
    const notLeader = Object.assign(new Error('This server is not the leader for that topic-partition'), {
      retriable: true,
    });
    // kafkajs 2.2.4 when no partition had a leader to ask: it destructures an empty answer.
    const leaderless = new TypeError(
      "Cannot destructure property 'partitions' of 'low.pop(...)' as it is undefined.",
    );
    const fake = admin([notLeader, leaderless]);

    await expect(endOffsetsOf(fake, 'orders')).resolves.toEqual([
      { partition: 0, offset: '7', high: '7', low: '0' },
    ]);
    expect(fake.calls).toEqual({ offsets: 3, metadata: 2 });
  });

  it('are not asked again after an error that is not about a leader', async () => {
    const fake = admin([new TypeError('something else is undefined')]);
    await expect(endOffsetsOf(fake, 'orders')).rejects.toThrow('something else');
    expect(fake.calls.offsets).toBe(1);
  });
});
