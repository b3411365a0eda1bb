import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { catchError, type Observable, throwError } from 'rxjs';
import { TooManyAttempts } from '../errors/auth.errors';

/**
 * Adds `Retry-After` to 429 answers. The problem filter writes only the body, and headers set
 * before it runs stay on the response.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof TooManyAttempts) {
          context
            .switchToHttp()
            .getResponse<ServerResponse>()
            .setHeader('Retry-After', String(error.retryAfterSeconds));
        }
        return throwError(() => error);
      }),
    );
  }
}
