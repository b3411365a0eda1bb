import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A stored answer, replayed for a retry of the same request. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What claiming a key found. */
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-progress' }
  | { kind: 'reused' };

interface KeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  response_headers: Record<string, string> | null;
}

/** The idempotency_keys table: one row per caller and key, claimed first, answered after. */
@Injectable()
export class IdempotencyKeys {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Claims the key for this request, or says what an earlier request with it left. */
  async claim(callerId: string, key: string, requestHash: string): Promise<Claim> {
    const inserted = (await this.dataSource.query(
      `INSERT INTO idempotency_keys (caller_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING key`,
      [callerId, key, requestHash],
    )) as unknown[];
    if (inserted.length === 1) return { kind: 'claimed' };
    const [row] = (await this.dataSource.query(
      `SELECT request_hash, response_status, response_body, response_headers
         FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [callerId, key],
    )) as KeyRow[];
    // Released between the insert and the select: the caller may simply retry.
    if (!row) return { kind: 'in-progress' };
    if (row.request_hash !== requestHash) return { kind: 'reused' };
    if (row.response_status === null) return { kind: 'in-progress' };
    return {
      kind: 'replay',
      response: { status: row.response_status, body: row.response_body, headers: row.response_headers ?? {} },
    };
  }

  async complete(callerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4::jsonb, response_headers = $5::jsonb
        WHERE caller_id = $1 AND key = $2`,
      [callerId, key, response.status, JSON.stringify(response.body), JSON.stringify(response.headers)],
    );
  }

  /** Forgets a claim whose request failed, so that a retry runs it again. */
  async release(callerId: string, key: string): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM idempotency_keys WHERE caller_id = $1 AND key = $2 AND response_status IS NULL',
      [callerId, key],
    );
  }
}
