/**
 * Cursors of the quarantine list, opaque to clients: the position after a page's last item.
 * (The request shapes of the admin API live in the contracts, `dlqHttpApi`, so the gateway's
 * OpenAPI documents exactly what this app validates.)
 */
export const encodeCursor = (position: { at: Date; id: string }) =>
  Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');

export function decodeCursor(cursor: string): { at: Date; id: string } | undefined {
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
