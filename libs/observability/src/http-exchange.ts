import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoutedRequest } from './route-template';

/** The request as Express hands it to a Nest middleware, typed as far as this library reads it. */
export type HttpRequest = IncomingMessage & RoutedRequest & { originalUrl?: string };

/**
 * Calls `done` once when the response is over: sent in full (`finish`) or cut off because the
 * client went away (`close` without `finish`; `aborted` is then true).
 */
export function onResponseDone(res: ServerResponse, done: (aborted: boolean) => void): void {
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    done(!res.writableFinished);
  };
  res.once('finish', once);
  res.once('close', once);
}
