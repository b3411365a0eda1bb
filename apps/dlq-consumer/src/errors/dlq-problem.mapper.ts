import { isMongoUnavailable } from '@platform/mongo';
import { problemMapper } from '@platform/service-edge';
import {
  AdminOnly,
  DlqError,
  EntryNotFound,
  FingerprintNotFound,
  InvalidRequest,
  LagUnavailable,
  NotQuarantined,
  NotReplayable,
  ReplayFailed,
} from './dlq.errors';

/** The one mapping of dlq-consumer's errors to RFC 9457 problems (ObservabilityOptions.mapError). */
export const mapDlqError = problemMapper({
  unavailable: [{ when: isMongoUnavailable, store: 'the quarantine store' }],
  errors: [
    [InvalidRequest, 400, 'Invalid request'],
    [AdminOnly, 403, 'Forbidden'],
    [EntryNotFound, 404, 'Not in quarantine'],
    [FingerprintNotFound, 404, 'Not in quarantine'],
    [NotQuarantined, 409, 'Not quarantined'],
    [NotReplayable, 422, 'Not replayable'],
    [ReplayFailed, 503, 'Replay not published', { retryAfter: 5 }],
    [LagUnavailable, 503, 'Consumer lag unavailable', { retryAfter: 5 }],
    [DlqError, 500, 'Internal error'],
  ],
});
