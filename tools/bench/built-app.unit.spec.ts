import {
  gatewayIdentityEnv,
  kafkaEnv,
  mongoEnv,
  outboxEnv,
  redisEnv,
  serviceEnv,
} from '@platform/service-edge';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchKafka } from './bench-kafka';
import { BenchNames, devNames } from './bench-names';
import { isolationProblems, STORE_VARIABLES, type AppName } from './built-app';

const root = join(__dirname, '../..');
/** The env fragments app configs spread (`...kafkaEnv`), by name: their variables are the app's too. */
const fragments: Record<string, object> = {
  gatewayIdentityEnv,
  kafkaEnv,
  mongoEnv,
  outboxEnv,
  redisEnv,
  serviceEnv,
};
const apps = Object.keys(STORE_VARIABLES) as AppName[];
const kafka = { brokers: ['127.0.0.1:40001'] } as BenchKafka;
const envExample = Object.fromEntries(
  readFileSync(join(root, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
);

/** The store variables of `app` set to names of a run (URLs for the `_URL` ones). */
function runEnv(app: AppName, names = new BenchNames('orders')): Record<string, string> {
  const variables = STORE_VARIABLES[app].filter((variable) => variable !== 'KAFKA_BROKERS');
  return Object.fromEntries(
    variables.map((variable) => {
      const name = variable.endsWith('_PREFIX') ? names.redisPrefix(variable) : names.database(variable);
      return [variable, variable.endsWith('_URL') ? `postgres://u:p@127.0.0.1:5432/${name}` : name];
    }),
  );
}

describe('apps a benchmark starts', () => {
  it.each(apps)('%s starts on the stores of the run and its own broker', (app) => {
    expect(isolationProblems(app, runEnv(app), kafka)).toEqual([]);
  });

  it.each(apps)('%s is refused the stores the development system runs with', (app) => {
    const development = Object.fromEntries(
      STORE_VARIABLES[app]
        .filter((variable) => variable !== 'KAFKA_BROKERS')
        .map((variable) => [variable, envExample[variable] ?? '']),
    );
    const problems = isolationProblems(app, development, kafka);
    expect(problems).toHaveLength(Object.keys(development).length);
  });

  it('refuses an app whose store is left to its default', () => {
    const { ANALYTICS_CONSUMER_GROUP: _left, ...env } = runEnv('analytics-ingest');
    expect(isolationProblems('analytics-ingest', env, kafka)).toEqual([
      "ANALYTICS_CONSUMER_GROUP is unset: analytics-ingest would use the development system's",
    ]);
  });

  it("refuses an app that uses Kafka without the run's broker, and a broker given by hand", () => {
    const [devBroker] = devNames().brokers;
    expect(isolationProblems('order-service', runEnv('order-service'))).toHaveLength(1);
    expect(
      isolationProblems(
        'order-service',
        { ...runEnv('order-service'), KAFKA_BROKERS: devBroker ?? '' },
        kafka,
      ),
    ).toHaveLength(1);
  });

  it('knows every variable by which an app chooses its database, group, key prefix or broker', () => {
    const storeVariable = /^(?:KAFKA_BROKERS|[A-Z_]+_(?:DATABASE|DATABASE_URL|GROUP|PREFIX))$/;
    for (const app of apps) {
      const config = readFileSync(join(root, `apps/${app}/src/config/${app}.config.ts`), 'utf8');
      const declared = [...config.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1] ?? '');
      // Env fragments are spread into the schema's object (`...kafkaEnv,`); other spreads are not config.
      const spread = [...config.matchAll(/^\s+\.\.\.(\w+Env),/gm)].flatMap((match) => {
        const fragment = fragments[match[1] ?? ''];
        if (!fragment) throw new Error(`${app} spreads ${match[1]}: add it to this test's fragments`);
        return Object.keys(fragment);
      });
      const read = [...declared, ...spread].filter((name) => storeVariable.test(name));
      expect({ app, variables: [...read].sort() }).toEqual({
        app,
        variables: [...STORE_VARIABLES[app]].sort(),
      });
    }
  });
});
