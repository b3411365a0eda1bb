import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// The native servers (infra.sh), docker-compose.yml and .env.example describe one environment
// contract three times; these tests keep them from drifting apart.
const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const infraSh = read('tools/infra/infra.sh');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      ports?: string[];
      healthcheck?: { test: unknown };
      environment?: Record<string, unknown>;
      labels?: Record<string, string>;
      volumes?: string[];
    }
  >;
};
/** Observability that only compose runs (OpenTelemetry Collector, Grafana). */
const composeOnly = Object.fromEntries(
  Object.entries(compose.services).filter(([, s]) => s.labels?.['platform.observability'] === 'compose-only'),
);
/** The servers, native or compose; the other compose services are the apps, built from the repository. */
const servers = Object.fromEntries(
  Object.entries(compose.services).filter(([name, service]) => !service.build && !composeOnly[name]),
);
const apps = Object.fromEntries(Object.entries(compose.services).filter(([, service]) => service.build));
const pick = (source: Record<string, unknown> | undefined, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, source?.[key]]));
const envExample = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
);

/** `VAR=${VAR:-default}` lines of infra.sh: the variables it reads and their defaults. */
const infraDefaults = Object.fromEntries(
  [...infraSh.matchAll(/^\s*(?:[A-Z_]+=)?\$\{([A-Z_]+):-([^}]*)\}/gm)].map((m) => [m[1], m[2]]),
);
const infraServices = /ALL_SERVICES=\(([^)]*)\)/.exec(infraSh)?.[1]?.split(/\s+/).filter(Boolean) ?? [];

/** An overlay of docker-compose.yml (compose/*.yml): the services it changes. */
const readOverlay = (path: string) =>
  parse(read(path), { merge: true }) as {
    services: Record<string, { profiles?: string[]; environment?: Record<string, string> }>;
  };
/** The services that `docker compose -f docker-compose.yml -f <overlay> up` starts: those without a profile. */
const enabledBy = (path: string) => {
  const overlay = readOverlay(path);
  for (const name of Object.keys(overlay.services)) expect(Object.keys(compose.services)).toContain(name);
  return Object.keys(compose.services)
    .filter((name) => !overlay.services[name]?.profiles)
    .sort();
};

describe('infrastructure definitions', () => {
  it('runs the same services natively and under docker compose', () => {
    expect(infraServices.sort()).toEqual(Object.keys(servers).sort());
  });

  it('gives every compose server a pinned image, and every service a healthcheck', () => {
    for (const [name, service] of Object.entries(servers)) {
      expect({ name, tag: service.image?.split(':')[1] ?? 'latest' }).not.toMatchObject({ tag: 'latest' });
    }
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, healthcheck: Boolean(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
    }
  });

  it('publishes compose ports on loopback from the variables and defaults that infra.sh uses', () => {
    const published = Object.values(servers).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) {
      const match = /^127\.0\.0\.1:\$\{([A-Z_]+):-(\d+)\}:\d+$/.exec(port);
      expect({ port, parsed: Boolean(match) }).toEqual({ port, parsed: true });
      const [, variable, fallback] = match as RegExpExecArray;
      expect({ variable, default: infraDefaults[variable as string] }).toEqual({
        variable,
        default: fallback,
      });
    }
  });

  it('lists every variable infra.sh reads in .env.example, with the same default', () => {
    expect(Object.keys(infraDefaults).length).toBeGreaterThan(5);
    for (const [variable, fallback] of Object.entries(infraDefaults)) {
      const expected = variable === 'INFRA_HOME' ? './.infra' : fallback.replace(/^"|"$/g, '');
      expect({ variable, value: envExample[variable] }).toEqual({ variable, value: expected });
    }
  });

  it('builds every app in apps/ with the one image recipe', () => {
    const appDirs = readdirSync(join(root, 'apps')).sort();
    expect(Object.keys(apps).sort()).toEqual(appDirs);
    for (const [name, app] of Object.entries(apps)) {
      expect({ name, build: app.build }).toEqual({
        name,
        build: { context: '.', dockerfile: 'tools/docker/app.Dockerfile', args: { APP: name } },
      });
    }
  });

  it('publishes no app port but the gateway, on loopback: the others are reached through it', () => {
    const published = Object.entries(apps).flatMap(([name, app]) =>
      (app.ports ?? []).map((port) => ({ name, port })),
    );
    expect(published).toEqual([{ name: 'api-gateway', port: '127.0.0.1:${GATEWAY_HTTP_PORT:-3000}:3000' }]);
  });

  it('runs the apps under NODE_ENV=development on every interface of their container', () => {
    for (const [name, app] of Object.entries(apps)) {
      expect({ name, ...pick(app.environment, ['NODE_ENV', 'HTTP_HOST']) }).toEqual({
        name,
        NODE_ENV: 'development',
        HTTP_HOST: '0.0.0.0',
      });
    }
  });

  it('gives the apps users of their own: no superuser URL, Redis and MongoDB with a password', () => {
    const urls = Object.values(apps).flatMap((app) =>
      Object.entries(app.environment ?? {}).filter(
        ([name]) => /_URL$/.test(name) && !/SERVICE_URL|OTEL/.test(name),
      ),
    );
    const stores = urls.filter(([, url]) => /^(postgres|redis|mongodb)/.test(String(url)));
    expect(stores.length).toBe(6); // auth: postgres + redis, order: postgres, gateway: redis, notification + dlq: mongo
    for (const [name, url] of stores) {
      const { username, password } = new URL(String(url).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'));
      expect({ name, username, hasPassword: password.length > 0 }).toEqual({
        name,
        username: expect.not.stringMatching(/^(postgres|root|default|)$/),
        hasPassword: true,
      });
    }
  });

  it('pins the compose-only observability images, publishes them on loopback, mounts files that exist', () => {
    expect(Object.keys(composeOnly).sort()).toEqual(['grafana', 'otel-collector']);
    for (const [name, service] of [
      ...Object.entries(composeOnly),
      ['prometheus', servers['prometheus']] as const,
    ]) {
      expect({ name, tag: service?.image?.split(':')[1] ?? 'latest' }).not.toMatchObject({ tag: 'latest' });
      for (const port of service?.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
      for (const volume of service?.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('./'))
          expect({ volume, exists: existsSync(join(root, source)) }).toEqual({ volume, exists: true });
      }
    }
  });

  it('loads the same alert and SLO rules in Prometheus natively and under compose', () => {
    expect(read('tools/infra/prometheus/prometheus.yml.tmpl')).toContain('@RULES@/*.yml');
    expect(infraSh).toContain('RULES="$ROOT/tools/observability/prometheus/rules"');
    expect(servers['prometheus']?.volumes).toContain(
      './tools/observability/prometheus/rules:/etc/prometheus/rules:ro',
    );
    expect(servers['prometheus']?.image).toBe('prom/prometheus:v2.42.0');
  });

  it('runs the same Jaeger v2 release natively as in the compose image, with one configuration', () => {
    // Jaeger tags each release twice: v1.N for the Go module infra.sh builds, v2.(N-63) for the
    // v2 binary and its image (v1.76.0 and v2.13.0 are one release).
    const [, minor, patch] =
      /github\.com\/jaegertracing\/jaeger v1\.(\d+)\.(\d+)/.exec(read('tools/infra/jaeger/go.mod')) ?? [];
    expect(compose.services['jaeger']?.image).toBe(`jaegertracing/jaeger:2.${Number(minor) - 63}.${patch}`);
    expect(compose.services['jaeger']?.volumes).toContain(
      './tools/infra/jaeger/jaeger.yml:/etc/jaeger/config.yml:ro',
    );
    expect(infraSh).toContain('--config "$HERE/jaeger/jaeger.yml"');
  });

  it('starts, in the servers view (infra:up), exactly the servers that infra.sh runs natively', () => {
    expect(enabledBy('compose/servers.yml')).toEqual([...infraServices].sort());
  });

  it('starts, without observability, the servers and apps but Prometheus, the collector, Jaeger, Grafana', () => {
    const observability = ['grafana', 'jaeger', 'otel-collector', 'prometheus'];
    expect(enabledBy('compose/no-observability.yml')).toEqual(
      Object.keys(compose.services)
        .filter((name) => !observability.includes(name))
        .sort(),
    );
    const overlay = readOverlay('compose/no-observability.yml');
    for (const name of Object.keys(apps)) {
      expect({ name, ...overlay.services[name]?.environment }).toEqual({
        name,
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
      });
    }
  });

  it('runs the same Kafka version natively as in the compose image', () => {
    const pomVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(
      read('tools/infra/kafka/pom.xml'),
    )?.[1];
    expect(compose.services['kafka']?.image).toBe(`apache/kafka:${pomVersion}`);
  });
});
