import {
  HttpStatus,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { CallerIdentity } from '@platform/identity';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { UnitOfWork } from '../../persistence/unit-of-work';
import { IdempotencyKeyReused, InvalidIdempotencyKey } from './idempotency.errors';
import { IdempotencyKeys } from '../infrastructure/idempotency-keys';

type Request = {
  method: string;
  originalUrl: string;
  body: unknown;
  headers: IncomingHttpHeaders;
  caller?: CallerIdentity;
};

/** Response headers a replay repeats. */
const REPLAYED_HEADERS = ['etag', 'location'] as const;

/** The key was answered by another request meanwhile: this one's writes must roll back. */
class KeyTaken extends Error {
  override readonly name = 'KeyTaken';
}

/**
 * `Idempotency-Key` on POST routes: the first request with a key (per caller) runs and its
 * answer is stored; the same request again gets that answer; the key with a different request is
 * 422. The request runs in one transaction (UnitOfWork) that ends by inserting the key with its
 * answer, so the key's record, the request's events and its answer commit together, and a
 * keyed `POST /orders` costs four round trips (begin, the append, the key, commit) rather than
 * a claim before and an update after. A request whose key is taken, or that fails, rolls back
 * and then looks for an earlier answer: a retry of a request that was answered runs its handler
 * but writes nothing and replays; a failed request leaves nothing, and a retry runs again. A
 * concurrent request with the same key waits on the key's row and replays the first's answer.
 * Runs after CallerGuard, which names the caller.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyKeys,
    private readonly unitOfWork: UnitOfWork,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.caller) return next.handle();
    if (Array.isArray(key) || key.length === 0 || key.length > 255) throw new InvalidIdempotencyKey();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    return from(
      this.run(request.caller.userId, key, request, http.getResponse<ServerResponse>(), status, next),
    );
  }

  private async run(
    callerId: string,
    key: string,
    request: Request,
    response: ServerResponse,
    status: number,
    next: CallHandler,
  ): Promise<unknown> {
    const hash = createHash('sha256')
      .update(`${request.method}\n${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`)
      .digest('base64url');
    try {
      return await this.unitOfWork.run(async (tx) => {
        // Subscribed inside the unit of work: the handler's queries join its transaction.
        const body = await lastValueFrom(next.handle());
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = response.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        if (!(await this.keys.complete(tx, callerId, key, hash, { status, body, headers }))) {
          throw new KeyTaken();
        }
        return body;
      });
    } catch (error) {
      return this.answerEarlier(callerId, key, hash, response, error);
    }
  }

  /** After a rollback: the answer of the request that has the key, or `error` when none has. */
  private async answerEarlier(
    callerId: string,
    key: string,
    hash: string,
    response: ServerResponse,
    error: unknown,
  ): Promise<unknown> {
    let earlier: Awaited<ReturnType<IdempotencyKeys['earlier']>>;
    try {
      earlier = await this.keys.earlier(this.unitOfWork.runner(), callerId, key, hash);
    } catch {
      throw error; // the store is down: the request's own failure says more
    }
    switch (earlier.kind) {
      case 'none':
        throw error;
      case 'reused':
        throw new IdempotencyKeyReused();
      case 'replay':
        // Headers the failed attempt set are not the answer's.
        for (const name of REPLAYED_HEADERS) response.removeHeader(name);
        for (const [name, value] of Object.entries(earlier.response.headers)) response.setHeader(name, value);
        response.setHeader('Idempotent-Replayed', 'true');
        return earlier.response.body;
      default: {
        const unknown: never = earlier;
        throw new Error(`unknown answer ${JSON.stringify(unknown)}`);
      }
    }
  }
}
