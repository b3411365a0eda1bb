import type { DlqEntry, DlqGroup, DlqGroupOutcome, DlqPage, Tokens } from './dlq-api.types';

/** An RFC 9457 problem, the fields the console shows of it. */
export interface Problem {
  title: string;
  detail?: string;
  code?: string;
}

/** An API answer that is not 2xx, with its problem (RFC 9457) or a stand-in. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
}

/** Groups of at most this many messages are listed whole (the API's largest page). */
export const GROUP_PAGE_SIZE = 200;

/**
 * The gateway's routes the console calls (/auth/login, /admin/dlq/...), with the admin's access
 * token. The token is kept in this object only: gone with the tab, never in storage a script of
 * another page could read.
 */
export class ConsoleApi {
  private token: string | null = null;

  get signedIn(): boolean {
    return this.token !== null;
  }

  async signIn(email: string, password: string): Promise<void> {
    const tokens = await this.call<Tokens>('POST', '/auth/login', { email, password });
    this.token = tokens.accessToken;
  }

  /** Forgets the token, revoking its session on the way (best effort: the tab may be closing). */
  signOut(): void {
    if (this.token) this.call('POST', '/auth/logout').catch(() => undefined);
    this.token = null;
  }

  groups(filter: URLSearchParams): Promise<{ items: DlqGroup[] }> {
    return this.call('GET', `/admin/dlq/groups${filter.size > 0 ? `?${filter}` : ''}`);
  }

  messagesOf(fingerprint: string): Promise<DlqPage> {
    const query = `limit=${GROUP_PAGE_SIZE}&fingerprint=${encodeURIComponent(fingerprint)}`;
    return this.call('GET', `/admin/dlq/messages?${query}`);
  }

  message(id: string): Promise<DlqEntry> {
    return this.call('GET', `/admin/dlq/messages/${encodeURIComponent(id)}`);
  }

  replayMessage(id: string): Promise<DlqEntry> {
    return this.call('POST', `/admin/dlq/messages/${encodeURIComponent(id)}/replay`);
  }

  discardMessage(id: string, reason: string): Promise<DlqEntry> {
    return this.call('POST', `/admin/dlq/messages/${encodeURIComponent(id)}/discard`, { reason });
  }

  replayGroup(fingerprint: string): Promise<DlqGroupOutcome> {
    return this.call('POST', `/admin/dlq/groups/${encodeURIComponent(fingerprint)}/replay`);
  }

  discardGroup(fingerprint: string, reason: string): Promise<DlqGroupOutcome> {
    return this.call('POST', `/admin/dlq/groups/${encodeURIComponent(fingerprint)}/discard`, { reason });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    const data: unknown = isJson ? await res.json().catch(() => null) : null;
    if (!res.ok) {
      throw new ApiError(res.status, isProblem(data) ? data : { title: `${res.status} ${res.statusText}` });
    }
    return data as T;
  }
}

function isProblem(data: unknown): data is Problem {
  return typeof data === 'object' && data !== null && 'title' in data && Boolean(data.title);
}
