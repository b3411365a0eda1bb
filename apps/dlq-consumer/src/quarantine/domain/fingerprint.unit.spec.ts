import { fingerprintOf, normaliseErrorMessage } from './fingerprint';

describe('error fingerprints', () => {
  it('normalise away what varies between occurrences of one cause', () => {
    expect(normaliseErrorMessage('order 0b6f4a3e-5d8c-4e0b-9a57-1f2d3c4b5a69 has no line 3')).toBe(
      'order <uuid> has no line <n>',
    );
    expect(normaliseErrorMessage('field "email" invalid at 2026-11-25T14:00:00.123Z')).toBe(
      'field <str> invalid at <time>',
    );
  });

  it('group the same cause on the same topic and type, and separate different ones', () => {
    const base = { errorClass: 'EventPayloadError', topic: 'order.events', eventType: 'OrderPlaced' };
    const a = fingerprintOf({ ...base, errorMessage: 'line 1: quantity must be > 0 (got -4)' });
    const b = fingerprintOf({ ...base, errorMessage: 'line 7: quantity must be > 0 (got -1)' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf({ ...base, errorMessage: 'currency must be 3 letters' })).not.toBe(a);
    expect(
      fingerprintOf({ ...base, topic: 'identity.events', errorMessage: 'line 1: quantity must be > 0' }),
    ).not.toBe(a);
    expect(
      fingerprintOf({ ...base, eventType: null, errorMessage: 'line 1: quantity must be > 0' }),
    ).not.toBe(a);
  });
});
