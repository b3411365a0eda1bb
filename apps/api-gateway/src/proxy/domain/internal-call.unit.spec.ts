import { INTERNAL_CLIENT_HEADER, InternalCallKey } from './internal-call';

describe('InternalCallKey', () => {
  it('believes the client address only in a header this process wrote', () => {
    const key = new InternalCallKey();
    expect(key.clientOf(key.headerFor('203.0.113.7'))).toBe('203.0.113.7');
    expect(key.clientOf(new InternalCallKey().headerFor('203.0.113.7'))).toBeUndefined();
    expect(key.clientOf('forged 203.0.113.7')).toBeUndefined();
    expect(key.clientOf(undefined)).toBeUndefined();
    expect(key.clientOf([key.headerFor('203.0.113.7')])).toBeUndefined();
    expect(INTERNAL_CLIENT_HEADER).toBe(INTERNAL_CLIENT_HEADER.toLowerCase());
  });
});
