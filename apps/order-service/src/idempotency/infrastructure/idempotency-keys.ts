import { Injectable } from '@nestjs/common';
import type { SqlRunner } from '../../persistence/unit-of-work';

/** A stored answer, replayed for a retry of the same request. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What claiming a key found. */
export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'reused' };

interface KeyRow {
  request_hash: string;
  response_status: number;
  response_body: unknown;
  response_headers: Record<string, string> | null;
}

/**
 * The idempotency_keys table: one row per caller and key, written in the transaction of the
 * request it answers. A committed row always holds its answer.
 */
@Injectable()
export class IdempotencyKeys {
  /**
   * Claims the key inside the request's transaction, or says what an earlier request with it
   * left. A concurrent request with the same key waits here on the key's unique index until the
   * first commits (then it replays that answer) or rolls back (then it runs itself).
   */
  async claim(tx: SqlRunner, callerId: string, key: string, requestHash: string): Promise<Claim> {
    const inserted = (await tx.query(
      `INSERT INTO idempotency_keys (caller_id, key, request_hash, response_status) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING RETURNING key`,
      [callerId, key, requestHash],
    )) as unknown[];
    if (inserted.length === 1) return { kind: 'claimed' };
    const [row] = (await tx.query(
      `SELECT request_hash, response_status, response_body, response_headers
         FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [callerId, key],
    )) as KeyRow[];
    if (!row) throw new Error(`idempotency key ${key} conflicted but cannot be read`);
    if (row.request_hash !== requestHash) return { kind: 'reused' };
    return {
      kind: 'replay',
      response: { status: row.response_status, body: row.response_body, headers: row.response_headers ?? {} },
    };
  }

  /** Stores the answer of the claimed key, in the same transaction as the claim. */
  async complete(tx: SqlRunner, callerId: string, key: string, response: StoredResponse): Promise<void> {
    await tx.query(
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4::jsonb, response_headers = $5::jsonb
        WHERE caller_id = $1 AND key = $2`,
      [callerId, key, response.status, JSON.stringify(response.body), JSON.stringify(response.headers)],
    );
  }
}
