import { Injectable } from '@nestjs/common';
import type { SqlRunner } from '../../persistence/unit-of-work';

/** A stored answer, replayed for a retry of the same request. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What an earlier request with the key left. */
export type EarlierAnswer =
  { kind: 'none' } | { kind: 'replay'; response: StoredResponse } | { kind: 'reused' };

interface KeyRow {
  request_hash: string;
  response_status: number;
  response_body: unknown;
  response_headers: Record<string, string> | null;
}

/**
 * The idempotency_keys table: one row per caller and key, inserted with its answer in the
 * transaction of the request it answers. A committed row always holds its answer.
 */
@Injectable()
export class IdempotencyKeys {
  /**
   * Stores the answer under the key, inside the request's transaction; false when the key is
   * taken. A concurrent request with the same key makes this wait on the key's unique index until
   * that request commits (then false) or rolls back (then this one stores).
   */
  async complete(
    tx: SqlRunner,
    callerId: string,
    key: string,
    requestHash: string,
    response: StoredResponse,
  ): Promise<boolean> {
    const inserted = (await tx.query(
      `INSERT INTO idempotency_keys (caller_id, key, request_hash, response_status, response_body, response_headers)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
       ON CONFLICT DO NOTHING RETURNING key`,
      [
        callerId,
        key,
        requestHash,
        response.status,
        JSON.stringify(response.body),
        JSON.stringify(response.headers),
      ],
    )) as unknown[];
    return inserted.length === 1;
  }

  /** What a committed request with the key answered, if any: to replay, or refuse for another request. */
  async earlier(db: SqlRunner, callerId: string, key: string, requestHash: string): Promise<EarlierAnswer> {
    const [row] = (await db.query(
      `SELECT request_hash, response_status, response_body, response_headers
         FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [callerId, key],
    )) as KeyRow[];
    if (!row) return { kind: 'none' };
    if (row.request_hash !== requestHash) return { kind: 'reused' };
    return {
      kind: 'replay',
      response: { status: row.response_status, body: row.response_body, headers: row.response_headers ?? {} },
    };
  }
}
