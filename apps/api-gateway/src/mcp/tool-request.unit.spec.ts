import { DEFAULT_ROUTES, RouteTable } from '../routing/route-table';
import { SERVICE_APIS } from '../openapi/service-apis';
import { ToolCatalog, type McpTool } from './tool-catalog';
import { ToolArgumentError, toolRequestOf } from './tool-request';

const catalog = ToolCatalog.derive(new RouteTable(DEFAULT_ROUTES), SERVICE_APIS);
const tool = (name: string) => catalog.tools.find((t) => t.name === name) as McpTool;

describe('toolRequestOf', () => {
  it('turns arguments into the REST request: encoded path, JSON body, If-Match and Idempotency-Key', () => {
    const request = toolRequestOf(tool('cancelOrder'), {
      id: 'a/b',
      body: { reason: 'changed my mind' },
      ifMatch: '3',
      idempotencyKey: 'k-1',
    });
    expect(request).toEqual({
      method: 'POST',
      url: '/orders/a%2Fb/cancel',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'if-match': '3',
        'idempotency-key': 'k-1',
      },
      body: '{"reason":"changed my mind"}',
    });
  });

  it('makes an Idempotency-Key for a write that takes one when the agent gave none', () => {
    const first = toolRequestOf(tool('placeOrder'), { body: { lines: [] } });
    const second = toolRequestOf(tool('placeOrder'), { body: { lines: [] } });
    expect(first.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['idempotency-key']).not.toBe(first.headers['idempotency-key']);
    expect(toolRequestOf(tool('listOrders')).headers).not.toHaveProperty('idempotency-key');
  });

  it('puts query arguments in the query string and sends no body on a read', () => {
    const request = toolRequestOf(tool('listDlqMessages'), { topic: 'order.events', limit: 5 });
    expect(request).toMatchObject({ method: 'GET', url: '/admin/dlq/messages?topic=order.events&limit=5' });
    expect(request.body).toBeUndefined();
  });

  it('refuses an unknown argument, a missing path parameter and an object in the query', () => {
    expect(() => toolRequestOf(tool('getOrder'), { id: '1', admin: true })).toThrow(ToolArgumentError);
    expect(() => toolRequestOf(tool('getOrder'), {})).toThrow(/id is required/);
    expect(() => toolRequestOf(tool('listOrders'), { cursor: { x: 1 } })).toThrow(/cursor must be/);
  });

  it('refuses ill-formed Unicode and header values a request cannot carry, as argument errors', () => {
    expect(() => toolRequestOf(tool('getOrder'), { id: 'a\ud800' })).toThrow(/id is not well-formed Unicode/);
    expect(() => toolRequestOf(tool('listOrders'), { cursor: '\udc00' })).toThrow(ToolArgumentError);
    expect(() => toolRequestOf(tool('cancelOrder'), { id: '1', ifMatch: 'é' })).toThrow(
      /ifMatch must be 1 to 256 printable ASCII/,
    );
    expect(() => toolRequestOf(tool('placeOrder'), { idempotencyKey: 'a\nb', body: { lines: [] } })).toThrow(
      ToolArgumentError,
    );
  });
});
