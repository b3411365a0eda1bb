// An app's instrument.ts imports this library before startTracing() hooks the modules it
// instruments; a module already loaded then is never patched. These mocks only record loading.
const mockLoaded: string[] = [];
function mockRecording(name: string): unknown {
  mockLoaded.push(name);
  return jest.requireActual(name);
}
jest.mock('@nestjs/core', () => mockRecording('@nestjs/core'));
jest.mock('@nestjs/platform-express', () => mockRecording('@nestjs/platform-express'));
jest.mock('express', () => mockRecording('express'));
jest.mock('pg', () => mockRecording('pg'));
jest.mock('ioredis', () => mockRecording('ioredis'));
jest.mock('mongoose', () => mockRecording('mongoose'));

describe('importing @platform/observability', () => {
  it('loads none of the modules tracing instruments, so instrument.ts can import it first', async () => {
    const library = await import('./index');
    expect(typeof library.startTracing).toBe('function');
    expect(mockLoaded).toEqual([]);
  });

  it('loads @nestjs/core only once an app wires ObservabilityModule', async () => {
    const { ObservabilityModule } = await import('./index');
    const [health] = ObservabilityModule.forRoot({ serviceName: 'test' }).imports ?? [];
    await health;
    expect(mockLoaded).toContain('@nestjs/core');
  });
});
