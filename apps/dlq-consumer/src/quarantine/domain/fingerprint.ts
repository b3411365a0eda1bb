import { createHash } from 'node:crypto';

/**
 * An error message with what varies between occurrences replaced (ids, numbers, quoted values,
 * hex), so that "order 1f3... has no line 3" and "order 9ab... has no line 7" group together.
 */
export function normaliseErrorMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}T[\d:.]+Z?\b/g, '<time>')
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** What one kind of failure is: the same cause on the same topic and event type. */
export interface FailureKind {
  errorClass: string;
  errorMessage: string;
  topic: string;
  eventType: string | null;
}

/** A short stable id of a kind of failure: messages with the same fingerprint share a cause. */
export function fingerprintOf(kind: FailureKind): string {
  return createHash('sha256')
    .update(
      [kind.errorClass, normaliseErrorMessage(kind.errorMessage), kind.topic, kind.eventType ?? '-'].join(
        '\n',
      ),
    )
    .digest('hex')
    .slice(0, 16);
}
