import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import type { CompiledRoute, RouteTable } from '../routing/route-table';
import { authBodies, tokenPairSchema } from './auth-bodies.schema';

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
    code: { type: 'string', example: 'GATEWAY.RATE_LIMITED' },
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

/**
 * The public API as the gateway serves it, generated from the route table (paths, methods,
 * auth, roles, limits) and the zod schemas of the auth bodies: a route added to the table
 * appears here without another line of code.
 */
export function buildOpenApiDocument(routes: RouteTable): OpenAPIObject {
  const base = new DocumentBuilder()
    .setTitle('Platform public API')
    .setDescription('Everything clients reach through api-gateway. Errors are application/problem+json.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RS256)' }, 'bearer')
    .build();
  const paths: OpenAPIObject['paths'] = {};
  for (const route of [...routes.all()].sort((a, b) => a.prefix.localeCompare(b.prefix))) {
    const exact = route.prefix in authBodies || route.prefix.endsWith('.json');
    paths[route.prefix] = operations(route);
    if (!exact) {
      paths[`${route.prefix}/{path}`] = {
        ...operations(route),
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
  return {
    ...base,
    paths,
    components: {
      ...base.components,
      schemas: { Problem: PROBLEM_SCHEMA, TokenPair: z.toJSONSchema(tokenPairSchema) as never },
    },
  };
}

function operations(route: CompiledRoute): Record<string, Operation> {
  const result: Record<string, Operation> = {};
  for (const method of route.methods) result[method.toLowerCase()] = operation(route, method);
  return result;
}

function operation(route: CompiledRoute, method: string): Operation {
  const bodySchema = authBodies[route.prefix as keyof typeof authBodies];
  const responses: Record<string, unknown> = {
    '2XX': {
      description: `the ${route.upstream} service's answer`,
      headers: RATE_LIMIT_HEADERS,
      ...(route.prefix === '/auth/login' || route.prefix === '/auth/refresh'
        ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenPair' } } } }
        : {}),
    },
    '413': problem(`body larger than ${route.maxBodyBytes} bytes`),
    '429': problem('rate limit reached (Retry-After says when to retry)'),
    '502': problem('the service is unreachable'),
    '503': problem('circuit open or token checks unavailable (Retry-After)'),
    '504': problem(`no answer within ${route.timeoutMs} ms`),
  };
  if (route.auth) {
    responses['401'] = problem(
      'token missing, invalid, expired or revoked (WWW-Authenticate: Bearer error="invalid_token")',
    );
    if (route.roles.length > 0) responses['403'] = problem(`needs role ${route.roles.join(' or ')}`);
  }
  return {
    tags: [route.upstream],
    summary: route.summary ?? `${method} via ${route.upstream}`,
    description: [
      route.auth
        ? `Bearer token required${route.roles.length ? ` with role ${route.roles.join(' or ')}` : ''}.`
        : 'Public.',
      `Rate-limit class \`${route.rateLimit}\`; timeout ${route.timeoutMs} ms; ${route.retries} retries for idempotent body-less requests.`,
    ].join(' '),
    ...(route.auth ? { security: [{ bearer: [] }] } : {}),
    ...(bodySchema && method !== 'GET'
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(bodySchema) } },
          },
        }
      : {}),
    responses,
  };
}
