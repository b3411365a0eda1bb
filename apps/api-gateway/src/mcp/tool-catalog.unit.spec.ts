import { DEFAULT_ROUTES, RouteTable } from '../routing/route-table';
import { SERVICE_APIS } from '../openapi/service-apis';
import { ToolCatalog } from './tool-catalog';

const catalog = ToolCatalog.derive(new RouteTable(DEFAULT_ROUTES), SERVICE_APIS);
const names = (roles: Parameters<ToolCatalog['visibleTo']>[0]) => catalog.visibleTo(roles).map((t) => t.name);

describe('ToolCatalog derived from the route table and the API specs', () => {
  it('makes one tool per operation of an authenticated route, and none of a public one', () => {
    const all = catalog.tools.map((t) => t.name);
    expect(all).toEqual(expect.arrayContaining(['placeOrder', 'listOrders', 'cancelOrder', 'listDlqGroups']));
    expect(all).not.toContain('receivePaymentCallback');
    const described = SERVICE_APIS.flatMap((api) => api.operations).filter(
      (op) => op.operationId !== 'receivePaymentCallback',
    );
    expect(all).toHaveLength(described.length);
  });

  it('shows each caller only the tools its roles may call', () => {
    const customer = names(['customer']);
    expect(customer).toEqual(
      expect.arrayContaining([
        'placeOrder',
        'listOrders',
        'getOrder',
        'cancelOrder',
        'listProducts',
        'listNotifications',
      ]),
    );
    for (const hidden of [
      'confirmOrder',
      'shipOrder',
      'saveProduct',
      'listDlqGroups',
      'replayDlqMessage',
      'getUser',
    ])
      expect(customer).not.toContain(hidden);
    const staff = names(['staff']);
    expect(staff).toEqual(expect.arrayContaining(['confirmOrder', 'payOrder', 'shipOrder', 'cancelOrder']));
    expect(staff).not.toContain('placeOrder');
    const admin = names(['admin']);
    expect(admin).toEqual(
      expect.arrayContaining(['listDlqGroups', 'replayDlqGroup', 'saveProduct', 'getUser', 'getFreshness']),
    );
    expect(admin).not.toContain('placeOrder');
    expect(names(['customer', 'admin'])).toEqual(expect.arrayContaining(['placeOrder', 'listDlqGroups']));
  });

  it('takes path parameters, query, body and the declared headers as arguments of one object schema', () => {
    const cancel = catalog.tools.find((t) => t.name === 'cancelOrder');
    expect(cancel?.inputSchema).toMatchObject({
      type: 'object',
      required: ['id', 'body'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', description: 'the order id' },
        body: { type: 'object', required: ['reason'] },
        ifMatch: { type: 'string' },
        idempotencyKey: { type: 'string' },
      },
    });
    const list = catalog.tools.find((t) => t.name === 'listDlqMessages');
    expect(list?.inputSchema.properties).toMatchObject({
      status: { enum: ['quarantined', 'replayed', 'discarded'] },
      limit: { type: 'integer' },
    });
    expect(list?.inputSchema.required).toEqual([]);
  });

  it('makes irreversible tools require confirm: true and says so', () => {
    for (const name of ['replayDlqMessage', 'discardDlqMessage', 'replayDlqGroup', 'discardDlqGroup']) {
      const tool = catalog.tools.find((t) => t.name === name);
      expect(tool?.inputSchema.required).toContain('confirm');
      expect(tool?.inputSchema.properties['confirm']).toMatchObject({ type: 'boolean', const: true });
      expect(tool?.description).toMatch(/confirm: true/);
    }
    expect(catalog.tools.find((t) => t.name === 'listDlqGroups')?.inputSchema.properties).not.toHaveProperty(
      'confirm',
    );
  });

  it('finds a tool by name only for a caller who may call it', () => {
    expect(catalog.find('listDlqGroups', ['admin'])?.route.prefix).toBe('/admin/dlq');
    expect(catalog.find('listDlqGroups', ['customer'])).toBeUndefined();
    expect(catalog.find('noSuchTool', ['admin'])).toBeUndefined();
  });

  it('refuses two operations of one name', () => {
    const [orders] = SERVICE_APIS;
    expect(() => ToolCatalog.derive(new RouteTable(DEFAULT_ROUTES), [orders, orders])).toThrow(
      /two operations are named listOrders/,
    );
  });
});
