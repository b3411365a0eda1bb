import { mapOrderError } from './order-problem.mapper';

describe('mapOrderError', () => {
  it('answers a PostgreSQL restart (a failed query around a terminated connection) with 503', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const queryFailed = Object.assign(new Error(terminated.message), { driverError: terminated });
    expect(mapOrderError(queryFailed)).toMatchObject({
      status: 503,
      code: 'SERVICE.DEPENDENCY_UNAVAILABLE',
      retryAfterSeconds: 1,
    });
  });

  it('leaves an unknown error to the 500 default', () => {
    expect(mapOrderError(new Error('a bug'))).toBeUndefined();
  });
});
