import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics } from '@platform/contracts';
import { parse, parseAllDocuments } from 'yaml';
import { readCommitted } from './generated-files';
import {
  CONSUMERS,
  KEDA_COMPONENT,
  SCALED_OBJECTS_PATH,
  topicNamesOf,
  type ScaledObjectResource,
} from './scaled-objects';

// The KEDA component scales each consumer on the lag of the group and topics the app really
// uses, never past the partitions of a topic it reads, and replaces the base's CPU autoscaler.
const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const committed = readCommitted(SCALED_OBJECTS_PATH) as ScaledObjectResource[];

const partitionsOf = new Map(
  allTopics().flatMap((topic) =>
    [topic.name, topic.retry, topic.dlq].map((name) => [name, topic.partitions]),
  ),
);

interface Autoscaler {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
}
const baseAutoscalers: Autoscaler[] = readdirSync(join(root, 'k8s/base/apps')).flatMap((app) =>
  parseAllDocuments(read(`k8s/base/apps/${app}/hpa.yaml`)).map((document) => document.toJS() as Autoscaler),
);

describe('the ScaledObjects of the keda component', () => {
  it('never scale past the partition count of any topic their group reads, and reach it', () => {
    for (const scaledObject of committed) {
      const topics = scaledObject.spec.triggers.flatMap((trigger) =>
        trigger.type === 'kafka' ? [trigger.metadata['topic']] : [],
      );
      const partitions = topics.map((topic) => partitionsOf.get(topic ?? ''));
      expect({
        name: scaledObject.metadata.name,
        known: partitions.every((count) => count !== undefined),
      }).toEqual({
        name: scaledObject.metadata.name,
        known: true,
      });
      expect({ name: scaledObject.metadata.name, max: scaledObject.spec.maxReplicaCount }).toEqual({
        name: scaledObject.metadata.name,
        max: Math.min(...(partitions as number[])),
      });
    }
  });

  it("name each app's consumer group as its config does by default", () => {
    for (const consumer of CONSUMERS) {
      const config = read(consumer.group.config);
      const match = new RegExp(`${consumer.group.variable}: consumerGroup\\('([^']+)'\\)`).exec(config);
      expect({ deployment: consumer.deployment, group: match?.[1] }).toEqual({
        deployment: consumer.deployment,
        group: consumer.group.id,
      });
    }
  });

  it('watch the topics that the base autoscaler of the same Deployment says it consumes', () => {
    const consumesAnnotation = 'platform/consumes-topics';
    const annotated = baseAutoscalers.filter((hpa) => hpa.metadata.annotations?.[consumesAnnotation]);
    expect(CONSUMERS.map((consumer) => consumer.deployment).sort()).toEqual(
      annotated.map((hpa) => hpa.metadata.name).sort(),
    );
    for (const consumer of CONSUMERS) {
      const hpa = annotated.find((candidate) => candidate.metadata.name === consumer.deployment);
      expect({ deployment: consumer.deployment, topics: topicNamesOf(consumer) }).toEqual({
        deployment: consumer.deployment,
        topics: hpa?.metadata.annotations?.[consumesAnnotation]?.split(','),
      });
    }
  });
});

describe('the keda component', () => {
  const kustomization = parse(read(`${KEDA_COMPONENT}/kustomization.yaml`)) as {
    resources: string[];
    patches: { patch: string }[];
  };

  it("deletes the base's CPU autoscaler of exactly the Deployments it scales", () => {
    const deleted = kustomization.patches
      .map((patch) => parse(patch.patch) as { $patch?: string; kind: string; metadata: { name: string } })
      .filter((patch) => patch.$patch === 'delete' && patch.kind === 'HorizontalPodAutoscaler')
      .map((patch) => patch.metadata.name);
    expect(deleted.sort()).toEqual(
      committed.map((scaledObject) => scaledObject.spec.scaleTargetRef.name).sort(),
    );
  });

  it('is used by the prod overlay, and not by dev, whose cluster has no KEDA', () => {
    const prod = parse(read('k8s/overlays/prod/kustomization.yaml')) as { components?: string[] };
    const dev = parse(read('k8s/overlays/dev/kustomization.yaml')) as { components?: string[] };
    expect(prod.components).toContain('../../components/keda');
    expect(dev.components ?? []).not.toContain('../../components/keda');
  });
});
