import { Bulkhead, type Release } from './bulkhead';

const fill = (bulkhead: Bulkhead, times: number): Release[] =>
  Array.from({ length: times }, () => {
    const release = bulkhead.tryAcquire();
    expect(release).toBeDefined();
    return release as Release;
  });

describe('bulkhead', () => {
  it('admits requests up to its bound and refuses the next one without counting it', () => {
    const bulkhead = new Bulkhead(3);
    fill(bulkhead, 3);
    expect(bulkhead.tryAcquire()).toBeUndefined();
    expect(bulkhead.tryAcquire()).toBeUndefined();
    expect(bulkhead.current).toBe(3);
  });

  it('admits a request again once a slot is given back', () => {
    const bulkhead = new Bulkhead(2);
    const [first] = fill(bulkhead, 2);
    first?.();
    expect(bulkhead.current).toBe(1);
    expect(bulkhead.tryAcquire()).toBeDefined();
    expect(bulkhead.tryAcquire()).toBeUndefined();
  });

  it('gives a slot back once however many ways its request ends', () => {
    const bulkhead = new Bulkhead(2);
    const [release] = fill(bulkhead, 2);
    release?.(); // the response finished
    release?.(); // then the connection closed
    release?.(); // and an error handler ran too
    expect(bulkhead.current).toBe(1);
    fill(bulkhead, 1);
    expect(bulkhead.tryAcquire()).toBeUndefined();
  });

  it('is empty again after every request ended', () => {
    const bulkhead = new Bulkhead(4);
    for (const release of fill(bulkhead, 4)) release();
    expect(bulkhead.current).toBe(0);
    fill(bulkhead, 4);
  });

  it('keeps the slots of one bulkhead apart from another', () => {
    const slow = new Bulkhead(1);
    const other = new Bulkhead(1);
    fill(slow, 1);
    expect(slow.tryAcquire()).toBeUndefined();
    expect(other.tryAcquire()).toBeDefined();
  });

  it('refuses a bound that admits nothing', () => {
    expect(() => new Bulkhead(0)).toThrow(RangeError);
    expect(() => new Bulkhead(1.5)).toThrow(RangeError);
  });
});
