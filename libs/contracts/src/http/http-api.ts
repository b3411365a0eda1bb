import type { Role } from '@platform/identity';
import type { z } from 'zod';

/** One response of an operation: what it means, its body and the headers worth knowing. */
export interface HttpResponseSpec {
  description: string;
  /** A JSON body; problems (4xx/5xx) are application/problem+json and need none here. */
  body?: z.ZodType;
  headers?: Record<string, string>;
}

/** One route of a service's public API, as clients call it through the gateway. */
export interface HttpOperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path template, e.g. `/orders/{id}/confirm`. */
  path: string;
  /**
   * The operation's name in the OpenAPI document, camelCase and unique across the gateway's API:
   * generated clients name their functions after it, so renaming one breaks their callers.
   */
  operationId: string;
  summary: string;
  description?: string;
  /** Path parameters by name. */
  params?: Record<string, string>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Request headers beyond Authorization, by name. */
  headers?: Record<string, { description: string; required?: boolean }>;
  responses: Record<number, HttpResponseSpec>;
  /**
   * Who the owning service lets call this, at least one of them; absent = anyone the gateway route
   * admits. Documentation and the MCP tool list (an agent is shown only what it may call); the
   * service still decides on every request.
   */
  roles?: readonly Role[];
  /**
   * Changes that cannot be taken back (a replay, a discard): an agent calling it through MCP must
   * pass `confirm: true`, after showing the user what will happen, and is rate limited harder.
   */
  destructive?: boolean;
}

/**
 * A service's public HTTP API: the request shapes it validates (the service parses with these
 * schemas) and the answers it gives. The gateway documents it in its OpenAPI under `prefix`.
 */
export interface HttpApiSpec {
  /** The gateway route prefix the operations live under, e.g. `/orders`. */
  prefix: string;
  operations: readonly HttpOperationSpec[];
}
