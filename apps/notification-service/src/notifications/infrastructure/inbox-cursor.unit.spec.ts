import { encodeCursor } from '@platform/mongo';
import { decodeInboxCursor, encodeInboxCursor, type InboxPosition } from './inbox-cursor';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('inbox cursors', () => {
  const at = new Date('2026-12-06T10:00:00.000Z');

  it.each<[string, InboxPosition]>([
    ['the top of a page', { page: 3 }],
    ['after an item of a page', { page: 0, after: { at, id: 'n-1' } }],
    ['after an item, no page (an old cursor carried on)', { after: { at, id: 'n-1' } }],
  ])('round-trips %s', (_, position) => {
    expect(decodeInboxCursor(encodeInboxCursor(position))).toEqual(position);
  });

  it('reads a cursor from before inbox pages as a position without a page', () => {
    expect(decodeInboxCursor(encodeCursor({ at, id: 'n-1' }))).toEqual({ after: { at, id: 'n-1' } });
  });

  it.each([
    ['not base64 JSON', 'x'],
    ['not an array', b64({ page: 1 })],
    ['a negative page', b64([-1])],
    ['a fractional page', b64([1.5])],
    ['a page past safe integers', b64([2 ** 60])],
    ['a page as text with a colon', b64(['1:2', at.toISOString(), 'n'])],
    ['a position without its id', b64([1, at.toISOString()])],
    ['a position with a bad time', b64([1, 'yesterday', 'n'])],
    ['extra fields', b64([1, at.toISOString(), 'n', 'more'])],
  ])('refuses %s', (_, cursor) => {
    expect(decodeInboxCursor(cursor)).toBeUndefined();
  });
});
