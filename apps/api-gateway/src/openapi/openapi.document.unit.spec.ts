import { DEFAULT_ROUTES, RouteTable } from '../routing/route-table';
import { usersHttpApi } from './auth-bodies.schema';
import { buildOpenApiDocument, derivedOperationId } from './openapi.document';

type Parameter = { name: string; in: string; required: boolean };
type Operation = {
  operationId: string;
  summary: string;
  parameters?: Parameter[];
  requestBody?: {
    content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }>;
  };
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  security?: unknown;
};

const doc = buildOpenApiDocument(new RouteTable(DEFAULT_ROUTES));
const op = (path: string, method: string) => doc.paths[path]?.[method as 'get'] as unknown as Operation;

const allOperations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([key]) => key !== 'parameters')
      .map(([method, operation]) => ({
        where: `${method.toUpperCase()} ${path}`,
        ...(operation as Operation),
      })),
  );

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, whose schemas are the JSON Schema 2020-12 that zod writes, with no $schema inside', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
    expect(JSON.stringify(doc)).toContain('"const":"Bearer"');
  });

  it('names the server, the license and the bearer scheme every operation refers to', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(doc.info.license).toEqual(expect.objectContaining({ name: 'MIT' }));
    expect(doc.components?.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(doc.security).toEqual([{ bearer: [] }]);
    const schemes = Object.keys(doc.components?.securitySchemes ?? {});
    const undefinedOrUnstated = allOperations()
      .filter(
        (operation) =>
          !Array.isArray(operation.security) ||
          (operation.security as object[]).some((req) => Object.keys(req).some((s) => !schemes.includes(s))),
      )
      .map((operation) => operation.where);
    expect(undefinedOrUnstated).toEqual([]);
    expect(op('/auth/login', 'post').security).toEqual([]);
    expect(op('/.well-known/oauth-authorization-server', 'get').security).toEqual([]);
    expect(op('/oauth/{path}', 'post').security).toEqual([]);
  });

  it("gives every operation a unique camelCase operationId, the contracts' where they name one", () => {
    const ids = allOperations().map((operation) => operation.operationId);
    expect(ids.length).toBe(44);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(op('/orders', 'post').operationId).toBe('placeOrder');
    expect(op('/orders/{id}', 'get').operationId).toBe('getOrder');
    expect(op('/auth/login', 'post').operationId).toBe('login');
    expect(op('/.well-known/jwks.json', 'get').operationId).toBe('getJwks');
    expect(op('/auth/me/{path}', 'get').operationId).toBe('getAuthMeByPath');
  });

  it('derives the operationId of a pass-through from its method and path', () => {
    expect(derivedOperationId('GET', '/.well-known/jwks.json')).toBe('getWellKnownJwksJson');
    expect(derivedOperationId('POST', '/auth/register')).toBe('postAuthRegister');
    expect(derivedOperationId('DELETE', '/orders/{path}')).toBe('deleteOrdersByPath');
  });

  it('refuses two operations of one operationId, which a generated client could not both name', () => {
    const clash = {
      ...usersHttpApi,
      operations: usersHttpApi.operations.map((o) => ({ ...o, operationId: 'same' })),
    };
    expect(() => buildOpenApiDocument(new RouteTable(DEFAULT_ROUTES), [clash])).toThrow(
      'operationId same is used by GET /users/{id} and PUT /users/{id}/roles',
    );
  });

  it('describes every order route from the contracts instead of a pass-through', () => {
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/orders'))).toEqual([
      '/orders',
      '/orders/{id}',
      '/orders/{id}/confirm',
      '/orders/{id}/pay',
      '/orders/{id}/ship',
      '/orders/{id}/cancel',
    ]);
    expect(Object.keys(doc.paths['/orders'] ?? {})).toEqual(['get', 'post']);
  });

  it('documents the catalog and the payment callback, the callback without a bearer token', () => {
    expect(
      Object.keys(
        op('/catalog/{sku}', 'put').requestBody?.content['application/json']?.schema.properties ?? {},
      ),
    ).toEqual(['name', 'unitPriceMinor', 'currency', 'active']);
    expect(op('/catalog', 'get').security).toEqual([{ bearer: [] }]);
    const callback = op('/payments/callbacks', 'post');
    expect(callback.security).toEqual([]);
    expect(callback.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['Payment-Signature', 'header', true],
    ]);
  });

  it("documents the registration body with auth-service's bounds, so a documented body is accepted", () => {
    const schema = op('/auth/register', 'post').requestBody?.content['application/json']?.schema;
    expect(schema?.properties).toMatchObject({
      email: { format: 'email', maxLength: 254 },
      password: { minLength: 12, maxLength: 128 },
    });
  });

  it('documents that registration answers 202 with one body for new and known emails', () => {
    const register = op('/auth/register', 'post');
    expect(register.responses['2XX']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/RegistrationAccepted' } },
    });
    expect(register.requestBody?.content['application/json']?.schema.properties).toHaveProperty(
      'displayName',
    );
  });

  it('describes the role administration of auth-service for the admin role', () => {
    const setRoles = op('/users/{id}/roles', 'put');
    expect(setRoles.requestBody?.content['application/json']?.schema.required).toEqual(['roles']);
    expect(Object.keys(setRoles.responses)).toEqual(expect.arrayContaining(['200', '403', '409']));
    expect(op('/users/{id}', 'get').responses).toHaveProperty('404');
  });

  it('gives a command its body, path id, If-Match and Idempotency-Key, and every answer', () => {
    const pay = op('/orders/{id}/pay', 'post');
    expect(pay.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['id', 'path', true],
      ['If-Match', 'header', false],
      ['Idempotency-Key', 'header', false],
    ]);
    const body = pay.requestBody?.content['application/json']?.schema;
    expect(body?.required).toEqual(['amountMinor', 'currency', 'paymentReference', 'reason']);
    expect(Object.keys(pay.responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '422', '429', '502', '503', '504'].sort(),
    );
    expect(pay.responses['200']?.headers).toHaveProperty('ETag');
    expect(pay.responses['409']?.content).toHaveProperty(['application/problem+json']);
    expect(pay.security).toEqual([{ bearer: [] }]);
  });

  it('documents the 503 of a shed request, with Retry-After, on described and pass-through routes alike', () => {
    for (const operation of [op('/orders/{id}/pay', 'post'), op('/auth/login', 'post')]) {
      const unavailable = operation.responses['503'] as { description: string; headers?: object };
      expect(unavailable.description).toContain('GATEWAY.OVERLOADED');
      expect(unavailable.headers).toHaveProperty('Retry-After');
    }
  });

  it('lists the query of the order list with its bounds, and the placed order answer', () => {
    const list = op('/orders', 'get');
    expect(list.parameters).toEqual([
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ maximum: 100 }),
      }),
      expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
    ]);
    const place = op('/orders', 'post');
    expect(place.responses['201']?.headers).toHaveProperty('Location');
    expect(place.responses['201']?.content).toHaveProperty(['application/json']);
  });

  it('describes the DLQ admin API for the admin role', () => {
    const replay = op('/admin/dlq/groups/{fingerprint}/replay', 'post');
    expect(replay.responses).toHaveProperty('403');
    expect(op('/admin/dlq/messages', 'get').parameters?.map((p) => p.name)).toEqual([
      'status',
      'topic',
      'type',
      'fingerprint',
      'from',
      'to',
      'limit',
      'cursor',
    ]);
    expect(doc.paths).not.toHaveProperty(['/admin/dlq/{path}']);
    expect(op('/admin/dlq/groups/{fingerprint}/explanation', 'get')).toMatchObject({
      operationId: 'explainDlqGroup',
    });
    const lag = op('/admin/dlq/consumer-lag', 'get');
    expect(lag.operationId).toBe('getConsumerLag');
    expect(lag.parameters?.map((p) => p.name)).toEqual(['group']);
    expect(lag.responses).toHaveProperty('503');
  });

  it("describes the caller's notifications: list with its filters, read flag, read-all", () => {
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/notifications'))).toEqual([
      '/notifications',
      '/notifications/{id}',
      '/notifications/read-all',
    ]);
    expect(op('/notifications', 'get').parameters?.map((p) => p.name)).toEqual([
      'unread',
      'channel',
      'limit',
      'cursor',
    ]);
    expect(
      op('/notifications/{id}', 'patch').requestBody?.content['application/json']?.schema.required,
    ).toEqual(['read']);
    expect(doc.paths).not.toHaveProperty(['/notifications/{path}']);
  });

  it('leaves out the DLQ triage console: a page for browsers the gateway serves, not an API', () => {
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });

  it('keeps pass-through entries for routes the contracts do not describe', () => {
    const bare = buildOpenApiDocument(new RouteTable(DEFAULT_ROUTES), []);
    expect(bare.paths).toHaveProperty(['/notifications/{path}']);
    expect(bare.paths).toHaveProperty(['/orders/{path}']);
  });
});
