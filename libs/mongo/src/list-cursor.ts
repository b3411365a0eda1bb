/** Where a newest-first keyset page ends: the time and id of its last item. */
export interface ListPosition {
  at: Date;
  id: string;
}

/**
 * Cursors of newest-first lists, opaque to clients: the position after a page's last item.
 * Keyset, not offset: a page stays correct while items are added in front of it.
 */
export const encodeCursor = (position: ListPosition) =>
  Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');

export function decodeCursor(cursor: string): ListPosition | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) return undefined;
    return { at: new Date(at), id };
  } catch {
    return undefined;
  }
}
