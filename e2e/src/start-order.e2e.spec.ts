import { uniqueName } from '@platform/testing';
import { randomInt } from 'node:crypto';
import { startFreshKafka, type FreshKafka } from './fresh-kafka.spec-helper';
import { startApp } from './system.spec-helper';
import {
  APPS,
  dropStores,
  freePorts,
  systemEnvironments,
  systemRun,
  type AppName,
} from './whole-system.spec-helper';

/** How long six apps starting together on two cores may take to be ready, the slowest included. */
const READY_WITHIN_MS = 90_000;

/** `items` in an order drawn from `seed` (mulberry32, then Fisher-Yates): the same seed, the same order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

// Compose and Kubernetes start the apps in parallel, on a cluster that may not have their topics
// yet: a consumer can come up before the owner of what it reads. Every start order must end with
// every app ready; none may exit on the way (docs/messaging.md, "Starting").
describe('the six built apps started at once on a broker without their topics', () => {
  // Jest prints the test's name, so the order of every run is on record with its seed.
  const seed = Number(process.env['START_ORDER_SEED'] ?? randomInt(2 ** 31));
  const order = shuffled(APPS, seed);
  let kafka: FreshKafka;

  beforeAll(async () => {
    kafka = await startFreshKafka();
  }, 180_000);

  afterAll(async () => {
    await kafka?.stop();
  });

  it(
    `are all ready within ${READY_WITHIN_MS / 1000} s and stop cleanly, in the order ${order.join(', ')} ` +
      `(START_ORDER_SEED=${seed})`,
    async () => {
      const run = uniqueName('start');
      const { stores, groups, mailDir } = systemRun(run);
      const [ports, metricsPorts] = [await freePorts(), await freePorts()];
      const envs = systemEnvironments({
        run,
        ports,
        metricsPorts,
        stores,
        groups,
        mailDir,
        common: { KAFKA_BROKERS: kafka.brokers },
      });
      const began = Date.now();
      // Each call spawns its process before it first awaits: the processes start in `order`.
      const outcomes = await Promise.allSettled(
        order.map(async (app) => {
          const running = await startApp(app, ports[app], envs[app], { readyTimeoutMs: READY_WITHIN_MS });
          return { app, running, readyAfterMs: Date.now() - began };
        }),
      );
      const ready = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      const codes = await Promise.all(ready.map(({ running }) => running.stop()));
      await dropStores(stores, mailDir);

      const failures = outcomes.flatMap((o, i) =>
        o.status === 'rejected' ? [`${order[i] as AppName}: ${(o.reason as Error).message}`] : [],
      );
      // The ready times say how close to the bound the others came.
      expect({
        failures,
        ready: ready.map(({ app, readyAfterMs }) => `${app} after ${readyAfterMs} ms`),
      }).toEqual({
        failures: [],
        ready: expect.any(Array),
      });
      expect(codes).toEqual(ready.map((): number | null => 0));
    },
    READY_WITHIN_MS + 60_000,
  );
});
