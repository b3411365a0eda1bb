import { withoutHopByHop } from './hop-by-hop';

describe('hop-by-hop filtering', () => {
  it('drops connection-level headers and keeps end-to-end ones', () => {
    expect(
      withoutHopByHop({
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        te: 'trailers',
        host: 'gateway.example',
        'proxy-authorization': 'Basic x',
        authorization: 'Bearer t',
        'content-type': 'application/json',
        'content-length': '12',
        'set-cookie': ['a=1', 'b=2'],
      }),
    ).toEqual({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'content-length': '12',
      'set-cookie': ['a=1', 'b=2'],
    });
  });

  it('also drops headers the Connection header names', () => {
    expect(
      withoutHopByHop({ connection: 'close, X-Secret-Hop', 'x-secret-hop': '1', accept: '*/*' }),
    ).toEqual({
      accept: '*/*',
    });
  });

  it('leaves out headers without a value', () => {
    expect(withoutHopByHop({ accept: undefined, 'x-a': 'b' })).toEqual({ 'x-a': 'b' });
  });
});
