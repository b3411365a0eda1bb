import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse, parseAllDocuments } from 'yaml';
import { generateService, serviceGenerator } from './service.generator';
import { normalizeOptions, ServiceOptionError } from './service-options';

// Small stand-ins for the workspace files a new service joins: the same shape, two apps only.
const COMPOSE = `name: platform
x-healthcheck: &healthcheck
  interval: 5s
services:
  kafka:
    image: apache/kafka:4.1.1
  auth-service:
    build: { context: ., dockerfile: tools/docker/app.Dockerfile, args: { APP: auth-service } }
    environment:
      <<: &app-environment
        NODE_ENV: development
        KAFKA_BROKERS: kafka:19092
      REDIS_URL: redis://redis:6379
    healthcheck:
      <<: *healthcheck
      test: ['CMD', 'true']

  api-gateway:
    build: { context: ., dockerfile: tools/docker/app.Dockerfile, args: { APP: api-gateway } }
    environment:
      <<: *app-environment

volumes:
  kafka-data:
`;

const KUSTOMIZATION = `# The base.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml
  - apps/auth-service
  - apps/api-gateway
  - network-policies.yaml
`;

const NETWORK_POLICIES = `# Who may talk to whom.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: platform-metrics
  namespace: platform
spec:
  podSelector:
    matchExpressions:
      - key: app.kubernetes.io/name
        operator: In
        values: [api-gateway, auth-service]
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: migrations
  namespace: platform
spec:
  podSelector: { matchLabels: { app.kubernetes.io/component: migration } }
  policyTypes: [Ingress, Egress]
`;

const overlay = (image: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
  - { name: auth-service, newName: ${image}/auth-service, newTag: '0.1.0' }
  - { name: api-gateway, newName: ${image}/api-gateway, newTag: '0.1.0' }
`;

const CODEOWNERS = `*                                   @platform/platform-team

# Apps
/apps/api-gateway/                  @platform/edge-team
/apps/auth-service/                 @platform/identity-team

# Libraries
/libs/contracts/                    @platform/architecture-team
`;

const ESLINT = `const SERVICES = [
  'api-gateway',
  'auth-service',
];
export default [];
`;

const UP_SH = `#!/usr/bin/env bash
APPS=(auth-service:3001 api-gateway:3000)
`;

const PROMETHEUS = `scrape_configs:
  - job_name: platform-apps
    static_configs:
      - targets:
          - api-gateway:9400
          - auth-service:9401
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:9090']
`;

const PROMETHEUS_NATIVE = `rule_files:
  - @RULES@/*.yml
scrape_configs:
  - job_name: platform-apps
    static_configs:
      - targets:
          - 127.0.0.1:@GATEWAY_METRICS_PORT@
          - 127.0.0.1:@AUTH_METRICS_PORT@
  - job_name: prometheus
`;

const README = `# Platform

| App          | Public port (\`*_HTTP_PORT\`) | Metrics port (\`*_METRICS_PORT\`) |
| ------------ | --------------------------- | ------------------------------- |
| api-gateway  | 3000                        | 9400                            |
| auth-service | 3001                        | 9401                            |

More.
`;

const ENV_EXAMPLE = `# --- auth-service ---
AUTH_HTTP_PORT=3001

# --- api-gateway ---
GATEWAY_HTTP_PORT=3000
`;

const SERVERS_OVERLAY = `# The servers only.
services:
  grafana: { profiles: [observability] }
  auth-service: { profiles: [apps] }
  api-gateway: { profiles: [apps] }
`;

const NO_OBSERVABILITY_OVERLAY = `x-no-traces: &no-traces
  environment: { OTEL_EXPORTER_OTLP_ENDPOINT: '' }

services:
  prometheus: { profiles: [observability] }
  auth-service: *no-traces
  api-gateway: *no-traces
`;

const MONITORS = `# What Prometheus scrapes.
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: auth-service
  namespace: platform
  labels: { app.kubernetes.io/name: auth-service }
spec:
  selector: { matchLabels: { app.kubernetes.io/name: auth-service } }
  endpoints: [{ port: metrics, path: /metrics, interval: 15s, honorLabels: true }]
---
# The workers: no Service.
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: notification-worker
  namespace: platform
spec:
  selector: { matchLabels: { app.kubernetes.io/name: notification-worker } }
  podMetricsEndpoints: [{ port: metrics }]
`;

const SCALED_OBJECTS_TS = `import { allTopics, Topics, type TopicSpec } from '@platform/contracts';

export const CONSUMERS: readonly Consumer[] = [
  {
    deployment: 'dlq-consumer',
    topics: allTopics(),
  },
];

export const MIN_REPLICAS = 2;
`;

const KEDA_KUSTOMIZATION = `# Consumers scaled on their lag.
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component

resources:
  - scaled-objects.yaml

patches:
  - patch: |-
      $patch: delete
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: { name: dlq-consumer, namespace: platform }
`;

const DEV_SERVER_POLICIES = `# Each server admits its owners only.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: kafka
  namespace: platform
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: kafka } }
  ingress:
    - from:
        - podSelector:
            matchExpressions:
              - key: app.kubernetes.io/name
                operator: In
                values: [auth-service, dlq-consumer, kafka]
`;

const K8S_README = `# Kubernetes

| Deployment   | CPU min-max (base, prod) | KEDA min-max (prod) | Group, topics read (lagThreshold) |
| ------------ | ------------------------ | ------------------- | --------------------------------- |
| auth-service | 2-6                      |                     |                                   |

\`\`\`bash
for app in api-gateway auth-service; do
  docker build -t platform/$app:dev .
done
\`\`\`
`;

const AUTH_CONFIG = `export const schema = z.object({
  AUTH_HTTP_PORT: env.port().default(3001),
  AUTH_METRICS_PORT: metricsPort(9401),
});`;

const DLQ_CONFIG = `export const schema = z.object({
  DLQ_HTTP_PORT: env.port().default(3005),
  DLQ_METRICS_PORT: metricsPort(9405),
});`;

const REGION_B = `patches:
  - target: { kind: Deployment, name: api-gateway|auth-service }
    patch: |-
      - op: add
        path: /spec/replicas
        value: 0
  - target: { kind: ScaledObject, name: dlq-consumer }
    patch: |-
      apiVersion: keda.sh/v1alpha1
      kind: ScaledObject
      metadata:
        name: any
        annotations: { autoscaling.keda.sh/paused-replicas: '0' }
`;

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  const files: Record<string, string> = {
    'docker-compose.yml': COMPOSE,
    'compose/servers.yml': SERVERS_OVERLAY,
    'compose/no-observability.yml': NO_OBSERVABILITY_OVERLAY,
    'k8s/components/monitoring/monitors.yaml': MONITORS,
    'k8s/components/keda/kustomization.yaml': KEDA_KUSTOMIZATION,
    'tools/k8s/scaled-objects.ts': SCALED_OBJECTS_TS,
    'k8s/overlays/dev/servers/network-policies.yaml': DEV_SERVER_POLICIES,
    'k8s/README.md': K8S_README,
    'k8s/base/kustomization.yaml': KUSTOMIZATION,
    'k8s/base/network-policies.yaml': NETWORK_POLICIES,
    'k8s/overlays/dev/kustomization.yaml': overlay('platform'),
    'k8s/overlays/prod/kustomization.yaml': overlay('ghcr.io/platform'),
    'k8s/overlays/region-b/kustomization.yaml': REGION_B,
    '.github/CODEOWNERS': CODEOWNERS,
    'eslint.config.mjs': ESLINT,
    'tools/dev/up.sh': UP_SH,
    'tools/observability/prometheus/prometheus.yml': PROMETHEUS,
    'tools/infra/prometheus/prometheus.yml.tmpl': PROMETHEUS_NATIVE,
    'README.md': README,
    '.env.example': ENV_EXAMPLE,
    'apps/auth-service/src/config/auth-service.config.ts': AUTH_CONFIG,
    'apps/dlq-consumer/src/config/dlq-consumer.config.ts': DLQ_CONFIG,
  };
  for (const [path, content] of Object.entries(files)) tree.write(path, content);
  return tree;
}

const text = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? '';

interface ComposeService {
  build: { args: { APP: string } };
  profiles?: string[];
  environment: Record<string, string>;
  depends_on?: Record<string, unknown>;
  healthcheck: { interval: string; test: string[] };
}

describe('the service generator', () => {
  describe('options', () => {
    it('takes the next ports after those the apps declare', () => {
      const options = normalizeOptions(workspace(), { name: 'inventory-service' });
      expect(options).toMatchObject({
        port: 3006,
        metricsPort: 9406,
        envPrefix: 'INVENTORY',
        capability: 'inventory',
      });
    });

    it('refuses a name that is not kebab case, an app that exists, and a port that is taken', () => {
      const tree = workspace();
      expect(() => normalizeOptions(tree, { name: 'Inventory' })).toThrow(ServiceOptionError);
      expect(() => normalizeOptions(tree, { name: 'auth-service' })).toThrow(/exists already/);
      expect(() => normalizeOptions(tree, { name: 'inventory-service', port: 3005 })).toThrow(
        /3005 is taken/,
      );
    });
  });

  describe('an HTTP service', () => {
    let tree: Tree;
    let leftToDo: string[];
    beforeAll(async () => {
      tree = workspace();
      leftToDo = await generateService(tree, { name: 'inventory-service', kind: 'http', skipFormat: true });
    });

    it('finds every list it joins', () => {
      expect(leftToDo).toEqual([]);
    });

    it('writes the app in the project shape, with no messaging', () => {
      for (const path of [
        'project.json',
        'jest.config.cts',
        'tsconfig.app.json',
        'tsconfig.spec.json',
        'eslint.config.mjs',
        'webpack.config.js',
        'src/main.ts',
        'src/instrument.ts',
        'src/app.module.ts',
        'src/config/inventory-service.config.ts',
        'src/config/inventory-service.config.unit.spec.ts',
        'src/inventory/inventory.module.ts',
        'src/inventory/inventory.controller.ts',
      ])
        expect({ path, exists: tree.exists(`apps/inventory-service/${path}`) }).toEqual({
          path,
          exists: true,
        });
      expect(JSON.parse(text(tree, 'apps/inventory-service/project.json')).tags).toEqual([
        'type:app',
        'scope:inventory-service',
      ]);
      expect(text(tree, 'apps/inventory-service/src/config/inventory-service.config.ts')).toContain(
        'INVENTORY_HTTP_PORT: env.port().default(3006)',
      );
      expect(text(tree, 'apps/inventory-service/src/app.module.ts')).not.toContain('@platform/messaging');
      expect(text(tree, 'apps/inventory-service/src/main.ts')).not.toContain('@platform/messaging');
    });

    it('adds a compose service built from the one image recipe, started by a plain `up` as every app is', () => {
      const compose = parse(text(tree, 'docker-compose.yml'), { merge: true }) as {
        services: Record<string, ComposeService>;
      };
      const service = compose.services['inventory-service'];
      expect(service.build.args.APP).toBe('inventory-service');
      // Profiles come from the overlays (compose/servers.yml), never from docker-compose.yml itself.
      expect(service.profiles).toBeUndefined();
      expect(service.environment.NODE_ENV).toBe('development');
      expect(service.healthcheck.interval).toBe('5s');
      expect(service.healthcheck.test.join(' ')).toContain('http://127.0.0.1:3006/health/ready');
      expect(service.depends_on).toBeUndefined();
      expect(Object.keys(compose.services).at(-1)).toBe('inventory-service');
    });

    it('gives it the entry every app has in each compose overlay, before the gateway', () => {
      expect(text(tree, 'compose/servers.yml')).toContain(
        '  auth-service: { profiles: [apps] }\n  inventory-service: { profiles: [apps] }\n  api-gateway:',
      );
      const lean = parse(text(tree, 'compose/no-observability.yml'), { merge: true }) as {
        services: Record<string, { environment?: Record<string, string> }>;
      };
      expect(lean.services['inventory-service']).toEqual({
        environment: { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
      });
    });

    it('adds a ServiceMonitor of its Service, shaped as the others, and no autoscaler of KEDA', () => {
      const monitors = parseAllDocuments(text(tree, 'k8s/components/monitoring/monitors.yaml')).map((doc) =>
        doc.toJS(),
      );
      expect(monitors.map((monitor) => `${monitor.kind}/${monitor.metadata.name}`)).toEqual([
        'ServiceMonitor/auth-service',
        'PodMonitor/notification-worker',
        'ServiceMonitor/inventory-service',
      ]);
      expect(monitors[2]).toEqual({
        ...monitors[0],
        metadata: {
          ...monitors[0].metadata,
          name: 'inventory-service',
          labels: { 'app.kubernetes.io/name': 'inventory-service' },
        },
        spec: {
          ...monitors[0].spec,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'inventory-service' } },
        },
      });
      expect(text(tree, 'k8s/components/monitoring/monitors.yaml')).toMatch(/^# What Prometheus scrapes\./);
      expect(text(tree, 'tools/k8s/scaled-objects.ts')).toBe(SCALED_OBJECTS_TS);
      expect(text(tree, 'k8s/components/keda/kustomization.yaml')).toBe(KEDA_KUSTOMIZATION);
      expect(text(tree, 'k8s/overlays/dev/servers/network-policies.yaml')).toBe(DEV_SERVER_POLICIES);
    });

    it('joins the images a kind cluster loads and the table of autoscalers in k8s/README.md', () => {
      expect(text(tree, 'k8s/README.md')).toContain(
        'for app in api-gateway auth-service inventory-service; do',
      );
      expect(text(tree, 'k8s/README.md')).toContain(
        '| auth-service | 2-6                      |                     |                                   |\n' +
          '| inventory-service | 2-6 | | |\n\n',
      );
    });

    it('stands at zero replicas in the passive region B', () => {
      expect(text(tree, 'k8s/overlays/region-b/kustomization.yaml')).toContain(
        'target: { kind: Deployment, name: api-gateway|auth-service|inventory-service }',
      );
    });

    it('adds the Kubernetes base: its folder, its resources entry, its policy and its metrics port', () => {
      for (const file of ['deployment', 'service', 'pdb', 'hpa', 'kustomization'])
        expect(tree.exists(`k8s/base/apps/inventory-service/${file}.yaml`)).toBe(true);
      const deployment = parse(text(tree, 'k8s/base/apps/inventory-service/deployment.yaml'));
      expect(deployment.spec.template.spec.containers[0].ports).toEqual([
        { name: 'http', containerPort: 3006 },
        { name: 'metrics', containerPort: 9406 },
      ]);
      expect(parse(text(tree, 'k8s/base/kustomization.yaml')).resources).toEqual([
        'namespace.yaml',
        'apps/auth-service',
        'apps/api-gateway',
        'apps/inventory-service',
        'network-policies.yaml',
      ]);
      expect(text(tree, 'k8s/base/kustomization.yaml')).toMatch(/^# The base\./);

      const policies = parseAllDocuments(text(tree, 'k8s/base/network-policies.yaml')).map((doc) =>
        doc.toJS(),
      );
      expect(policies.map((policy) => policy.metadata.name)).toEqual([
        'platform-metrics',
        'inventory-service',
        'migrations',
      ]);
      expect(policies[0].spec.podSelector.matchExpressions[0].values).toContain('inventory-service');
      expect(policies[1].spec.ingress[0].from[0].podSelector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'api-gateway',
      });
      expect(policies[1].spec.egress).toBeUndefined();
    });

    it('adds the image to both overlays, before the gateway', () => {
      const prod = parse(text(tree, 'k8s/overlays/prod/kustomization.yaml')).images;
      expect(prod.map((image: { name: string }) => image.name)).toEqual([
        'auth-service',
        'inventory-service',
        'api-gateway',
      ]);
      expect(prod[1]).toEqual({
        name: 'inventory-service',
        newName: 'ghcr.io/platform/inventory-service',
        newTag: '0.1.0',
      });
      expect(text(tree, 'k8s/overlays/dev/kustomization.yaml')).toContain(
        '{ name: inventory-service, newName: platform/inventory-service, newTag: dev }',
      );
    });

    it('names its owner in CODEOWNERS, aligned with the other apps', () => {
      expect(text(tree, '.github/CODEOWNERS')).toContain(
        '/apps/auth-service/                 @platform/identity-team\n' +
          '/apps/inventory-service/            @platform/platform-team\n',
      );
    });

    it('joins the lint scopes, npm start, Prometheus, the ports table and .env.example', () => {
      expect(text(tree, 'eslint.config.mjs')).toContain(`'auth-service',\n  'inventory-service',\n];`);
      expect(text(tree, 'tools/dev/up.sh')).toContain(
        'APPS=(auth-service:3001 inventory-service:3006 api-gateway:3000)',
      );
      expect(text(tree, 'tools/observability/prometheus/prometheus.yml')).toContain(
        '          - auth-service:9401\n          - inventory-service:9406\n',
      );
      expect(text(tree, 'tools/infra/prometheus/prometheus.yml.tmpl')).toContain(
        '          - 127.0.0.1:@AUTH_METRICS_PORT@\n          - 127.0.0.1:9406\n  - job_name: prometheus',
      );
      expect(text(tree, 'README.md')).toContain('| inventory-service | 3006 | 9406 |\n\nMore.');
      expect(text(tree, '.env.example')).toContain(
        '# --- inventory-service ---\nINVENTORY_HTTP_PORT=3006\nINVENTORY_METRICS_PORT=9406\n\n# --- api-gateway ---',
      );
    });
  });

  describe('a consumer', () => {
    let tree: Tree;
    beforeAll(async () => {
      tree = workspace();
      await generateService(tree, {
        name: 'stock-watcher',
        kind: 'consumer',
        owner: '@platform/orders-team',
        skipFormat: true,
      });
    });

    it('gets a messaging handler and its metrics, and a consumer group in its config', () => {
      expect(
        text(tree, 'apps/stock-watcher/src/stock-watcher/messaging/user-registered.handler.ts'),
      ).toContain("@EventPattern('UserRegistered')");
      expect(
        tree.exists('apps/stock-watcher/src/stock-watcher/infrastructure/stock-watcher.metrics.ts'),
      ).toBe(true);
      expect(text(tree, 'apps/stock-watcher/src/config/stock-watcher.config.ts')).toContain(
        "STOCK_WATCHER_CONSUMER_GROUP: consumerGroup('stock-watcher')",
      );
      expect(text(tree, 'apps/stock-watcher/src/app.module.ts')).toContain('MessagingModule.forRoot');
      // A hybrid app: without this its group never runs.
      expect(text(tree, 'apps/stock-watcher/src/main.ts')).toContain('configure: startConsumerGroups');
    });

    it('waits for Kafka in compose, reaches only Kafka, and names the topics its autoscaler is bound by', () => {
      const compose = parse(text(tree, 'docker-compose.yml'), { merge: true }) as {
        services: Record<string, ComposeService>;
      };
      expect(compose.services['stock-watcher'].depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
      });
      const policy = parseAllDocuments(text(tree, 'k8s/base/network-policies.yaml'))
        .map((doc) => doc.toJS())
        .find((doc) => doc.metadata.name === 'stock-watcher');
      expect(policy.spec.ingress).toBeUndefined();
      expect(policy.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 9092 }] }]);
      const hpa = parse(text(tree, 'k8s/base/apps/stock-watcher/hpa.yaml'));
      expect(hpa.metadata.annotations['platform/consumes-topics']).toBe('identity.events');
      expect(text(tree, '.github/CODEOWNERS')).toContain(
        '/apps/stock-watcher/                @platform/orders-team\n',
      );
    });

    it('gets a row in the KEDA consumer table: its group as its config names it, the topic it reads', () => {
      expect(text(tree, 'tools/k8s/scaled-objects.ts')).toContain(
        [
          '    topics: allTopics(),',
          '  },',
          '  {',
          "    deployment: 'stock-watcher',",
          '    group: {',
          "      id: 'stock-watcher',",
          "      variable: 'STOCK_WATCHER_CONSUMER_GROUP',",
          "      config: 'apps/stock-watcher/src/config/stock-watcher.config.ts',",
          '    },',
          '    topics: [Topics.identityEvents],',
        ].join('\n'),
      );
      expect(text(tree, 'tools/k8s/scaled-objects.ts')).toMatch(
        /lagThreshold: 100,\n.*'earliest'.*\n {2}\},\n\];\n/,
      );
    });

    it('has its ScaledObject paused at zero in the passive region B, its Deployment left to KEDA', () => {
      const regionB = text(tree, 'k8s/overlays/region-b/kustomization.yaml');
      expect(regionB).toContain('target: { kind: ScaledObject, name: dlq-consumer|stock-watcher }');
      expect(regionB).toContain('target: { kind: Deployment, name: api-gateway|auth-service }');
    });

    it('has the keda component delete its CPU autoscaler, which the ScaledObject replaces', () => {
      const keda = text(tree, 'k8s/components/keda/kustomization.yaml');
      const patches = (parse(keda) as { patches: { patch: string }[] }).patches.map((entry) =>
        parse(entry.patch),
      );
      expect(patches.at(-1)).toEqual({
        $patch: 'delete',
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'stock-watcher', namespace: 'platform' },
      });
      expect(patches).toHaveLength(2);
      expect(keda).toMatch(/^# Consumers scaled on their lag\./);
      expect(keda.match(/- patch: \|-\n/g)).toHaveLength(2);
    });

    it("is admitted to the dev cluster's Kafka, before the broker itself", () => {
      const kafka = parseAllDocuments(text(tree, 'k8s/overlays/dev/servers/network-policies.yaml'))[0].toJS();
      expect(kafka.spec.ingress[0].from[0].podSelector.matchExpressions[0].values).toEqual([
        'auth-service',
        'dlq-consumer',
        'stock-watcher',
        'kafka',
      ]);
    });

    it('states its KEDA bounds and the topic it reads in the table of autoscalers', () => {
      expect(text(tree, 'k8s/README.md')).toContain(
        '| stock-watcher | 2-12 (fallback) | 2-12 | `stock-watcher`: identity.events, 12 partitions (100) |',
      );
    });
  });

  it('regenerates the manifests once the files are written when the KEDA consumer table changed', async () => {
    // The callback runs `nx run k8s:generate` on disk: Nx calls it after writing the tree.
    await expect(
      serviceGenerator(workspace(), { name: 'inventory-service', skipFormat: true }),
    ).resolves.toBeUndefined();
    await expect(
      serviceGenerator(workspace(), { name: 'stock-watcher', kind: 'consumer', skipFormat: true }),
    ).resolves.toEqual(expect.any(Function));
  });

  it('reports the lists whose file was reshaped instead of guessing', async () => {
    const tree = workspace();
    tree.write('tools/dev/up.sh', '#!/usr/bin/env bash\necho "no list here"\n');
    tree.delete('.github/CODEOWNERS');
    // An overlay whose apps differ: the new one's needs are a person's call.
    tree.write(
      'compose/servers.yml',
      SERVERS_OVERLAY.replace('  api-gateway: { profiles: [apps] }', '  api-gateway: {}'),
    );

    const leftToDo = await generateService(tree, { name: 'inventory-service', skipFormat: true });

    expect(leftToDo).toEqual([
      "compose/servers.yml: the apps' entries differ, add inventory-service as its role needs by hand",
      ".github/CODEOWNERS: not found, name inventory-service's owner by hand",
      'tools/dev/up.sh: no APPS=(...) line, add inventory-service:3006 by hand',
    ]);
    expect(text(tree, 'tools/dev/up.sh')).toBe('#!/usr/bin/env bash\necho "no list here"\n');
  });
});
