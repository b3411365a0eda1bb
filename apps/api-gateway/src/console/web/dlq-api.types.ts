// The answers of the routes the console calls, as far as it reads them. The source of truth is
// libs/contracts/src/http/dlq.api.ts (dlq-consumer's admin API) and auth-service's login; they
// are restated here because the contracts library is Node code (zod, Buffer) and this is a page.

/** A row of GET /admin/dlq/groups: one kind of failure (fingerprint), largest first. */
export interface DlqGroup {
  fingerprint: string;
  count: number;
  topic: string;
  eventType: string | null;
  errorClass: string;
  errorMessage: string;
  consumerGroup: string | null;
  oldest: string;
  newest: string;
  oldestAgeSeconds: number;
}

/** A quarantined message in a list: provenance and failure, no bytes. */
export interface DlqSummary {
  id: string;
  status: 'quarantined' | 'replayed' | 'discarded';
  topic: string;
  originalTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  consumerGroup: string | null;
  eventType: string | null;
  eventId: string | null;
  error: {
    class: string;
    code: string | null;
    message: string;
    reason: string;
    attempts: number;
    firstFailureAt: string | null;
    lastFailureAt: string | null;
  };
  traceId: string | null;
  fingerprint: string;
  failures: number;
  quarantinedAt: string;
}

/** GET /admin/dlq/messages: newest first; `nextCursor` when there are more. */
export interface DlqPage {
  items: DlqSummary[];
  nextCursor: string | null;
}

/** One message whole, as GET /admin/dlq/messages/:id and its replay and discard answer it. */
export interface DlqEntry extends DlqSummary {
  keyBase64: string | null;
  value: { base64: string | null; text: string | null; json?: unknown; bytes: number };
  headers: { name: string; value?: string; base64?: string }[];
  history: { at: string; action: string; by?: string; detail?: string }[];
}

/** What a group replay or discard did, message by message. */
export interface DlqGroupOutcome {
  fingerprint: string;
  done: string[];
  failed: { id: string; error: string }[];
}

/** POST /auth/login: the console keeps the access token only. */
export interface Tokens {
  accessToken: string;
}
