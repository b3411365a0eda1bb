import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

/** A streamed body grew past its route's limit. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/**
 * `req` as a stream that fails with BodyTooLarge once more than `maxBytes` went through. Only for
 * bodies without Content-Length: a declared length is checked before forwarding.
 */
export function limitBody(req: IncomingMessage, maxBytes: number): Transform {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new BodyTooLarge(`body exceeds ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
  req.once('error', (error) => counter.destroy(error));
  return req.pipe(counter);
}
