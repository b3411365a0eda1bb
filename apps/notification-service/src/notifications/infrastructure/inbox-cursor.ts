import { decodeCursor, type ListPosition } from '@platform/mongo';

/**
 * Where an inbox listing goes on: on `page` of the user's inbox, after the item `after` (from the
 * top of the page when absent). A cursor from before inbox pages has no page: its listing starts
 * again from the newest page and keeps `after` on every page it reads.
 */
export interface InboxPosition {
  page?: number;
  after?: ListPosition;
}

/** Opaque to clients: `[page]` or `[page, at, id]`, JSON in base64url. */
export function encodeInboxCursor(position: InboxPosition): string {
  const { page, after } = position;
  const fields = after ? [page ?? null, after.at.toISOString(), after.id] : [page ?? null];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this list made. */
export function decodeInboxCursor(cursor: string): InboxPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const [page, at, id] = parsed as unknown[];
  // Before inbox pages: `[at, id]`, the list cursor of @platform/mongo.
  if (typeof page === 'string') {
    const after = decodeCursor(cursor);
    return after ? { after } : undefined;
  }
  const pageOk = page === null || (Number.isSafeInteger(page) && (page as number) >= 0);
  if (!pageOk) return undefined;
  const position: InboxPosition = page === null ? {} : { page: page as number };
  if (parsed.length === 1) return position;
  if (
    parsed.length !== 3 ||
    typeof at !== 'string' ||
    typeof id !== 'string' ||
    Number.isNaN(Date.parse(at))
  ) {
    return undefined;
  }
  return { ...position, after: { at: new Date(at), id } };
}
