import { Headers } from '@platform/contracts';
import { bytesOf } from './bytes';

/** One error of a chain: the one the consumer failed with, or one of its causes. */
export interface ErrorLink {
  class: string;
  code: string | null;
  message: string;
}

/** Causes read at most from one header: the runtime writes at most four. */
const MAX_CAUSES = 8;

/**
 * The error a dead letter records, then its causes as the runtime listed them
 * (`x-error-causes`, outermost first). A header that is missing, not JSON or not a list of
 * causes adds none: an entry quarantined before the runtime wrote it has its error alone.
 */
export function errorChainOf(
  failure: { errorClass: string; errorCode: string | null; errorMessage: string },
  headers: readonly { name: string; value: unknown }[],
): ErrorLink[] {
  const chain: ErrorLink[] = [
    { class: failure.errorClass, code: failure.errorCode, message: failure.errorMessage },
  ];
  const header = headers.find((h) => h.name === Headers.errorCauses);
  const bytes = header ? bytesOf(header.value) : null;
  if (!bytes) return chain;
  let causes: unknown;
  try {
    causes = JSON.parse(bytes.toString('utf8'));
  } catch {
    return chain;
  }
  if (!Array.isArray(causes)) return chain;
  for (const cause of causes.slice(0, MAX_CAUSES)) {
    const { class: name, code, message } = (cause ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof message !== 'string') continue;
    chain.push({ class: name, code: typeof code === 'string' ? code : null, message });
  }
  return chain;
}
