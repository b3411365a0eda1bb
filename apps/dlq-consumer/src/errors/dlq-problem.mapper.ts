import { IdentityHeaderError } from '@platform/identity';
import { isMongoUnavailable } from '@platform/mongo';
import { dependencyUnavailable, type Problem } from '@platform/observability';
import {
  AdminOnly,
  DlqError,
  EntryNotFound,
  InvalidRequest,
  NotQuarantined,
  NotReplayable,
  ReplayFailed,
} from './dlq.errors';

function statusOf(error: DlqError): { status: number; title: string } {
  if (error instanceof InvalidRequest) return { status: 400, title: 'Invalid request' };
  if (error instanceof AdminOnly) return { status: 403, title: 'Forbidden' };
  if (error instanceof EntryNotFound) return { status: 404, title: 'Not in quarantine' };
  if (error instanceof NotQuarantined) return { status: 409, title: 'Not quarantined' };
  if (error instanceof NotReplayable) return { status: 422, title: 'Not replayable' };
  if (error instanceof ReplayFailed) return { status: 503, title: 'Replay not published' };
  return { status: 500, title: 'Internal error' };
}

/** The one mapping of dlq-consumer's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export function mapDlqError(error: unknown): Problem | undefined {
  if (error instanceof IdentityHeaderError) {
    return { status: 401, title: 'Unauthenticated', code: error.code, detail: error.message };
  }
  if (isMongoUnavailable(error)) return dependencyUnavailable('the quarantine store');
  if (!(error instanceof DlqError)) return undefined;
  const problem: Problem = { ...statusOf(error), code: error.code, detail: error.message };
  if (error instanceof InvalidRequest) problem['errors'] = error.errors;
  if (error instanceof ReplayFailed) problem['retryAfter'] = 5;
  return problem;
}
