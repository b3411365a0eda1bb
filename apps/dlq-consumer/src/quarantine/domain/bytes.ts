/**
 * Bytes as a Buffer, whether they come as one or as the BSON Binary a lean read returns
 * (`Buffer.from(binary)` would silently give an empty buffer).
 */
export function bytesOf(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer?: unknown; value?: (asRaw?: boolean) => unknown };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  if (value instanceof Uint8Array) return Buffer.from(value);
  throw new TypeError(`not bytes: ${Object.prototype.toString.call(value)}`);
}
