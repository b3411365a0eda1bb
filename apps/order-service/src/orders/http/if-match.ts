import { InvalidIfMatch } from './order-http.errors';

/** The version an If-Match header names (`3`, `"3"` or `W/"3"`), or undefined without one. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match?.[1]) throw new InvalidIfMatch(header);
  return Number(match[1]);
}

/** The ETag of an order version, which If-Match takes back. */
export const etagOf = (version: number) => `"${version}"`;
