import { toolResultOf } from './tool-result';

describe('toolResultOf', () => {
  it('hands a 2xx JSON body to the agent as structured content and as text', () => {
    const body = '{"id":"o-1","version":1}';
    expect(toolResultOf({ status: 201, contentType: 'application/json; charset=utf-8', body })).toEqual({
      content: [{ type: 'text', text: body }],
      structuredContent: { id: 'o-1', version: 1 },
    });
  });

  it('wraps a body that is not an object, since structured content must be one', () => {
    expect(toolResultOf({ status: 204, contentType: undefined, body: '' }).structuredContent).toEqual({
      status: 204,
      value: null,
    });
  });

  it('maps a problem+json answer to a tool error with its status, code, title and detail', () => {
    const result = toolResultOf({
      status: 409,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        code: 'ORDER.ALREADY_SHIPPED',
        detail: 'shipped orders cannot be cancelled',
        traceId: 't-1',
      }),
    });
    expect(result).toEqual({
      isError: true,
      content: [
        { type: 'text', text: '409 ORDER.ALREADY_SHIPPED Conflict: shipped orders cannot be cancelled' },
      ],
      structuredContent: {
        status: 409,
        code: 'ORDER.ALREADY_SHIPPED',
        title: 'Conflict',
        detail: 'shipped orders cannot be cancelled',
        traceId: 't-1',
      },
    });
  });

  it('keeps a non-JSON error readable', () => {
    expect(toolResultOf({ status: 502, contentType: 'text/plain', body: 'bad gateway' })).toMatchObject({
      isError: true,
      structuredContent: { status: 502, title: 'HTTP 502', detail: 'bad gateway' },
    });
  });
});
