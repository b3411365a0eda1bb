import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';
import type { HttpApiSpec, HttpOperationSpec } from '@platform/contracts';
import { z } from 'zod';
import { MCP_OPENAPI_PATHS } from '../mcp/mcp.openapi';
import type { CompiledRoute, RouteTable } from '../routing/route-table';
import { authBodies, registrationAcceptedSchema, tokenPairSchema } from './auth-bodies.schema';
import { SERVICE_APIS } from './service-apis';

type Operation = Record<string, unknown>;

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', examples: ['GATEWAY.RATE_LIMITED'] },
    instance: { type: 'string' },
    traceId: { type: 'string' },
    correlationId: { type: 'string' },
  },
};

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { schema: { type: 'integer' } },
  'RateLimit-Remaining': { schema: { type: 'integer' } },
  'RateLimit-Reset': { schema: { type: 'integer' }, description: 'seconds' },
};

const RETRY_AFTER_HEADER = { schema: { type: 'integer' }, description: 'seconds' };

/**
 * The public API as the gateway serves it, generated from the route table (paths, methods,
 * auth, roles, limits), the zod schemas of the auth bodies and the services' API specs in
 * `@platform/contracts`: a route added to the table appears here without another line of code,
 * as a pass-through until its service's operations are described there.
 *
 * OpenAPI 3.1, whose schemas are JSON Schema 2020-12: what `z.toJSONSchema` writes (`const`,
 * `type: [..., 'null']`) is legal as it is. `redocly lint` checks the document in CI and the
 * typed client of e2e/src/gateway-client is generated from it (docs/api.md).
 */
export function buildOpenApiDocument(
  routes: RouteTable,
  apis: readonly HttpApiSpec[] = SERVICE_APIS,
): OpenAPIObject {
  const base = new DocumentBuilder()
    .setTitle('Platform public API')
    .setDescription('Everything clients reach through api-gateway. Errors are application/problem+json.')
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .setLicense('MIT', 'https://spdx.org/licenses/MIT.html')
    // Relative: the gateway that serves this document is the server it describes.
    .addServer('/', 'the gateway serving this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RS256)' }, 'bearer')
    // The default; public operations say `security: []`.
    .addSecurityRequirements('bearer')
    .build();
  const paths: OpenAPIObject['paths'] = {};
  for (const route of [...routes.all()].sort((a, b) => a.prefix.localeCompare(b.prefix))) {
    const api = apis.find((candidate) => candidate.prefix === route.prefix);
    if (api) {
      for (const op of api.operations) {
        paths[op.path] = { ...paths[op.path], [op.method.toLowerCase()]: describedOperation(route, op) };
      }
      continue;
    }
    // A well-known URI names one document (RFC 8615), as a .json file does.
    const exact =
      route.prefix in authBodies ||
      route.prefix.endsWith('.json') ||
      route.prefix.startsWith('/.well-known/');
    paths[route.prefix] = operations(route);
    if (!exact) {
      paths[`${route.prefix}/{path}`] = {
        ...operations(route, `${route.prefix}/{path}`),
        parameters: [
          {
            name: 'path',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            description: 'the rest of the path, passed to the service as is',
          },
        ],
      };
    }
  }
  Object.assign(paths, MCP_OPENAPI_PATHS);
  assertUniqueOperationIds(paths);
  return {
    ...base,
    paths,
    components: {
      ...base.components,
      schemas: {
        Problem: PROBLEM_SCHEMA,
        TokenPair: jsonSchema(tokenPairSchema, 'output'),
        RegistrationAccepted: jsonSchema(registrationAcceptedSchema, 'output'),
      },
    },
  };
}

function operations(route: CompiledRoute, path = route.prefix): Record<string, Operation> {
  const result: Record<string, Operation> = {};
  for (const method of route.methods) result[method.toLowerCase()] = operation(route, method, path);
  return result;
}

/**
 * The gateway's own auth routes, which the contracts do not describe, named as a client calls
 * them (`login()`, not `postAuthLogin()`). Renaming one breaks generated clients: keep them.
 */
const NAMED_OPERATIONS: Readonly<Record<string, string>> = {
  'POST /auth/register': 'register',
  'POST /auth/login': 'login',
  'POST /auth/refresh': 'refreshTokens',
  'POST /auth/logout': 'logout',
  'GET /auth/me': 'getMe',
  'GET /.well-known/jwks.json': 'getJwks',
};

function operation(route: CompiledRoute, method: string, path: string): Operation {
  const bodySchema = authBodies[route.prefix as keyof typeof authBodies];
  return {
    operationId: NAMED_OPERATIONS[`${method} ${path}`] ?? derivedOperationId(method, path),
    tags: [route.upstream],
    summary: route.summary ?? `${method} via ${route.upstream}`,
    description: gatewayNote(route),
    security: security(route),
    ...(bodySchema && method !== 'GET'
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(bodySchema) } },
          },
        }
      : {}),
    responses: {
      '2XX': {
        description: `the ${route.upstream} service's answer`,
        headers: RATE_LIMIT_HEADERS,
        ...(route.prefix === '/auth/login' || route.prefix === '/auth/refresh'
          ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenPair' } } } }
          : {}),
        ...(route.prefix === '/auth/register'
          ? {
              description: '202, the same for a new and for a known email',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/RegistrationAccepted' } },
              },
            }
          : {}),
      },
      ...gatewayResponses(route),
    },
  };
}

/** An operation a service's API spec describes, with what the gateway adds around it. */
function describedOperation(route: CompiledRoute, op: HttpOperationSpec): Operation {
  const parameters: Record<string, unknown>[] = [];
  for (const [name, description] of Object.entries(op.params ?? {})) {
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  }
  if (op.query) {
    const query = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema as { description?: string };
      parameters.push({
        name,
        in: 'query',
        required: query.required?.includes(name) ?? false,
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  for (const [name, header] of Object.entries(op.headers ?? {})) {
    parameters.push({
      name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: { type: 'string' },
    });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    const success = Number(status) < 400;
    responses[status] = success
      ? {
          description: response.description,
          headers: {
            ...RATE_LIMIT_HEADERS,
            ...Object.fromEntries(
              Object.entries(response.headers ?? {}).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          },
          ...(response.body
            ? { content: { 'application/json': { schema: jsonSchema(response.body) } } }
            : {}),
        }
      : problem(response.description);
  }
  return {
    operationId: op.operationId,
    tags: [route.upstream],
    summary: op.summary,
    description: [
      op.description,
      op.roles?.length ? `The service lets role ${op.roles.join(' or ')} call it.` : undefined,
      op.destructive ? 'Irreversible.' : undefined,
      gatewayNote(route),
    ]
      .filter(Boolean)
      .join(' '),
    security: security(route),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
      : {}),
    responses: { ...gatewayResponses(route), ...responses },
  };
}

/** A bearer token, or none on a public route (stated, since the document's default is the token). */
function security(route: CompiledRoute): Record<string, string[]>[] {
  return route.auth ? [{ bearer: [] }] : [];
}

/**
 * The name of an operation neither the contracts nor NAMED_OPERATIONS name, from its method and
 * path: `GET /auth/me/{path}` is `getAuthMeByPath`. Stable as long as the route is.
 */
export function derivedOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ['by', ...param[1].split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0].toUpperCase() + w.slice(1))].join('');
}

/** Generated clients name functions after operationIds: two alike would make one unreachable. */
function assertUniqueOperationIds(paths: OpenAPIObject['paths']): void {
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const id = (op as { operationId?: unknown }).operationId;
      if (typeof id !== 'string') continue;
      const where = `${method.toUpperCase()} ${path}`;
      const before = seen.get(id);
      if (before) throw new Error(`operationId ${id} is used by ${before} and ${where}`);
      seen.set(id, where);
    }
  }
}

/** Auth, rate limit, timeout and retries of a route, in words. */
function gatewayNote(route: CompiledRoute): string {
  return [
    route.auth
      ? `Bearer token required${route.roles.length ? ` with role ${route.roles.join(' or ')}` : ''}.`
      : 'Public.',
    `Rate-limit class \`${route.rateLimit}\`; timeout ${route.timeoutMs} ms; ${route.retries} retries for idempotent body-less requests.`,
  ].join(' ');
}

/** The answers the gateway itself may give on a route. */
function gatewayResponses(route: CompiledRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    '413': problem(`body larger than ${route.maxBodyBytes} bytes`),
    '429': problem('rate limit reached (Retry-After says when to retry)'),
    '502': problem('the service is unreachable'),
    '503': {
      ...problem(
        'the service has as many requests in flight as the gateway sends it (GATEWAY.OVERLOADED, answered before the token is checked), its circuit is open (GATEWAY.CIRCUIT_OPEN), token checks are unavailable (GATEWAY.AUTH_UNAVAILABLE), or its store is unreachable (SERVICE.DEPENDENCY_UNAVAILABLE); Retry-After says when to retry',
      ),
      headers: { 'Retry-After': RETRY_AFTER_HEADER },
    },
    '504': problem(`no answer within ${route.timeoutMs} ms`),
  };
  if (route.auth) {
    responses['401'] = problem(
      'token missing, invalid, expired or revoked (WWW-Authenticate: Bearer error="invalid_token")',
    );
    if (route.roles.length > 0) responses['403'] = problem(`needs role ${route.roles.join(' or ')}`);
  }
  return responses;
}

/**
 * A zod schema as a JSON Schema 2020-12 object for the document: by default as clients send it
 * (defaults optional), `output` for what they receive. `$schema` goes, the document's dialect
 * says it; `$defs` would be resolved against the document's root, where they are not, so a
 * schema that needs them (a recursive one) must become a component instead.
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  if ('$defs' in rest) throw new Error('a schema with $defs cannot be inlined: make it a component');
  return rest;
}
