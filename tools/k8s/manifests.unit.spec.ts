import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics } from '@platform/contracts';
import { parse, parseAllDocuments } from 'yaml';
import { CONSUMERS } from './scaled-objects';

// What the manifests restate from elsewhere in the repository: partition counts from the topic
// registry, server images from docker-compose.yml. tools/k8s-validate checks the manifests
// themselves (schemas, API validation, references); these tests keep them in step with the rest.
const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Autoscaler {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { maxReplicas: number };
}

const CONSUMES_ANNOTATION = 'platform/consumes-topics';

const autoscalers: Autoscaler[] = readdirSync(join(root, 'k8s/base/apps')).flatMap((app) =>
  parseAllDocuments(read(`k8s/base/apps/${app}/hpa.yaml`)).map((document) => document.toJS() as Autoscaler),
);

/** Partitions of every topic name the system uses: live, retry and DLQ topics alike. */
const partitionsOf = new Map(
  allTopics().flatMap((topic) =>
    [topic.name, topic.retry, topic.dlq].map((name) => [name, topic.partitions]),
  ),
);

describe('the autoscalers of the consumers', () => {
  const consumers = autoscalers.filter((hpa) => hpa.metadata.annotations?.[CONSUMES_ANNOTATION]);

  it('say which topics each consumer reads', () => {
    expect(consumers.map((hpa) => hpa.metadata.name).sort()).toEqual([
      'analytics-ingest',
      'dlq-consumer',
      'notification-service',
      'notification-worker',
    ]);
  });

  it('never add more pods than each topic they read has partitions', () => {
    for (const hpa of consumers) {
      const topics = (hpa.metadata.annotations?.[CONSUMES_ANNOTATION] ?? '').split(',');
      for (const topic of topics) {
        const partitions = partitionsOf.get(topic);
        expect({ hpa: hpa.metadata.name, topic, known: partitions !== undefined }).toEqual({
          hpa: hpa.metadata.name,
          topic,
          known: true,
        });
        expect({
          hpa: hpa.metadata.name,
          topic,
          withinPartitions: hpa.spec.maxReplicas <= (partitions ?? 0),
        }).toEqual({ hpa: hpa.metadata.name, topic, withinPartitions: true });
      }
    }
  });
});

describe('region B, the passive region (k8s/overlays/region-b)', () => {
  const kustomization = parse(read('k8s/overlays/region-b/kustomization.yaml')) as {
    patches: { target?: { kind: string; name: string } }[];
  };
  // Kustomize matches a target's name as an anchored regular expression.
  const targeted = (kind: string, name: string) =>
    kustomization.patches.some(
      (patch) => patch.target?.kind === kind && new RegExp(`^(?:${patch.target.name})$`).test(name),
    );

  it('keeps every app at zero but the warm analytics-ingest, however prod scales it', () => {
    // Prod (which region B builds on) scales the consumers with KEDA (k8s/components/keda): their
    // ScaledObjects are paused at zero, since KEDA would scale a bare zero back up. The others are
    // scaled on CPU and set to zero replicas. A new app must join one of the two.
    const byKeda = new Set(CONSUMERS.map((consumer) => consumer.deployment));
    const notAtZero = autoscalers
      .map((scaler) => scaler.metadata.name)
      .filter((name) => name !== 'analytics-ingest')
      .filter((name) => !targeted(byKeda.has(name) ? 'ScaledObject' : 'Deployment', name));
    expect(notAtZero).toEqual([]);
    expect(targeted('Deployment', 'analytics-ingest') || targeted('ScaledObject', 'analytics-ingest')).toBe(
      false,
    );
  });
});

describe('the servers of the dev overlay', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, { image?: string }> };
  const servers = ['kafka', 'postgres', 'redis', 'clickhouse', 'mongo'];

  it('run the images and versions that docker-compose.yml runs', () => {
    const kustomization = parse(read('k8s/overlays/dev/servers/kustomization.yaml')) as {
      resources: string[];
    };
    expect(kustomization.resources.sort()).toEqual(
      [...servers.map((server) => `${server}.yaml`), 'network-policies.yaml'].sort(),
    );
    for (const server of servers) {
      const statefulSet = parseAllDocuments(read(`k8s/overlays/dev/servers/${server}.yaml`))
        .map(
          (document) =>
            document.toJS() as {
              kind: string;
              spec: { template: { spec: { containers: { image: string }[] } } };
            },
        )
        .find((object) => object.kind === 'StatefulSet');
      expect({ server, image: statefulSet?.spec.template.spec.containers[0]?.image }).toEqual({
        server,
        image: compose.services[server]?.image,
      });
    }
  });

  it("create the services' own users with the init scripts docker-compose.yml mounts", () => {
    for (const [copy, original] of [
      [
        'k8s/overlays/dev/servers/init/postgres-service-users.sh',
        'tools/docker/postgres-init/10-service-users.sh',
      ],
      ['k8s/overlays/dev/servers/init/mongo-service-users.js', 'tools/docker/mongo-init/10-service-users.js'],
    ] as const) {
      expect({ copy, same: read(copy) === read(original) }).toEqual({ copy, same: true });
    }
  });
});
