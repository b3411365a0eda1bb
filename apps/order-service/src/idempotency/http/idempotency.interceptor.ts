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

/**
 * `Idempotency-Key` on POST routes: the first request with a key (per caller) runs and its
 * answer is stored; the same request again gets that answer without running; the key with a
 * different request is 422. The key's record, the request's events and its answer commit in one
 * transaction (UnitOfWork), so a crash in between leaves nothing behind and a retry runs again;
 * a failed request rolls back the same way. Runs after CallerGuard, which names the caller.
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

  private run(
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
    return this.unitOfWork.run(async (tx) => {
      const claim = await this.keys.claim(tx, callerId, key, hash);
      switch (claim.kind) {
        case 'reused':
          throw new IdempotencyKeyReused();
        case 'replay':
          for (const [name, value] of Object.entries(claim.response.headers)) response.setHeader(name, value);
          response.setHeader('Idempotent-Replayed', 'true');
          return claim.response.body;
        case 'claimed':
          break;
        default: {
          const unknown: never = claim;
          throw new Error(`unknown claim ${JSON.stringify(unknown)}`);
        }
      }
      // Subscribed inside the unit of work: the handler's queries join its transaction.
      const body = await lastValueFrom(next.handle());
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = response.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      await this.keys.complete(tx, callerId, key, { status, body, headers });
      return body;
    });
  }
}
