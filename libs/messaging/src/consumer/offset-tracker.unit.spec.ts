import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('moves the commit position only over offsets that are all done', () => {
    const tracker = new OffsetTracker();
    [10, 11, 12, 13].forEach((o) => tracker.track(o));

    expect(tracker.complete(12)).toBeUndefined(); // 10 and 11 still pending
    expect(tracker.commitPosition).toBe(10);
    expect(tracker.complete(10)).toBe(11);
    expect(tracker.complete(11)).toBe(13); // jumps over 12, done earlier
    expect(tracker.inFlight).toBe(1);
    expect(tracker.complete(13)).toBe(14);
    expect(tracker.inFlight).toBe(0);
  });

  it('advances over gaps in the offsets (compacted or transactional topics)', () => {
    const tracker = new OffsetTracker();
    [5, 8, 9].forEach((o) => tracker.track(o));
    expect(tracker.complete(5)).toBe(8);
    expect(tracker.complete(9)).toBeUndefined();
    expect(tracker.complete(8)).toBe(10);
  });

  it('ignores offsets it was never given and offsets completed twice', () => {
    const tracker = new OffsetTracker();
    tracker.track(0);
    expect(tracker.complete(7)).toBeUndefined();
    expect(tracker.complete(0)).toBe(1);
    expect(tracker.complete(0)).toBeUndefined();
  });
});
