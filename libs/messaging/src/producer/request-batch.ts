import type { OutgoingRecord } from '../client/kafka-client';

/** Bounds of one produce request. */
export interface RequestLimits {
  maxMessages: number;
  /** Estimated bytes of keys, values and headers; one larger publish still goes, alone. */
  maxBytes: number;
}

// Per-record framing in a v2 record batch (lengths, attributes, deltas), roughly; an estimate
// only has to keep a request well under the broker's limit, not match it.
const RECORD_OVERHEAD_BYTES = 24;

const sizeOf = (data: Buffer | string | null | undefined): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

/** Estimated bytes of one record on the wire: key, value, headers and framing. */
export function recordBytes(message: OutgoingRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + sizeOf(message.key) + sizeOf(message.value);
  const headers = message.headers;
  // for...in, not Object.entries: this runs once per published record.
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) for (const one of value) bytes += name.length + sizeOf(one);
    else bytes += name.length + sizeOf(value);
  }
  return bytes;
}

/**
 * Takes from the head of `queue` the publishes of the next request: at least one, then as many
 * as fit in `limits`. The broker refuses a whole record batch larger than `max.message.bytes`,
 * so a request bounded only by count would fail every publish that happened to share it with a
 * large one; bounded by bytes, a publish too large for the broker fails on its own.
 */
export function takeRequest<P extends { messages: OutgoingRecord[] }>(
  queue: P[],
  limits: RequestLimits,
): P[] {
  const batch: P[] = [];
  let count = 0;
  let bytes = 0;
  while (queue.length > 0) {
    const next = queue[0] as P;
    const nextBytes = next.messages.reduce((sum, message) => sum + recordBytes(message), 0);
    const full = count + next.messages.length > limits.maxMessages || bytes + nextBytes > limits.maxBytes;
    if (batch.length > 0 && full) break;
    batch.push(next);
    count += next.messages.length;
    bytes += nextBytes;
    queue.shift();
  }
  return batch;
}
