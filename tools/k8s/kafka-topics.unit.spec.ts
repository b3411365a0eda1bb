import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicNames, allTopics } from '@platform/contracts';
import { parse } from 'yaml';
import {
  GENERATE_COMMAND,
  KAFKA_TOPICS_PATH,
  kafkaTopicResources,
  MIN_INSYNC_REPLICAS,
  readCommittedKafkaTopics,
  strimziBootstrapAddress,
  TOPIC_REPLICAS,
  type KafkaTopicResource,
} from './kafka-topics';

// Production's KafkaTopics are generated from the topic registry and committed: these tests fail
// when the two disagree, and say how to regenerate.
const root = join(__dirname, '../..');
const committed = readCommittedKafkaTopics() as KafkaTopicResource[];
const outOfDate = `${KAFKA_TOPICS_PATH} is out of date with libs/contracts/src/topic-registry.ts: run ${GENERATE_COMMAND} and commit it`;

const prodKustomization = parse(readFileSync(join(root, 'k8s/overlays/prod/kustomization.yaml'), 'utf8')) as {
  resources: string[];
  patches: { target: { kind: string; name?: string }; patch: string }[];
};

describe('the KafkaTopics of the prod overlay', () => {
  it('has one for every topic of the registry, with its retry and DLQ topics', () => {
    const names = committed.map((topic) => topic.spec?.topicName);
    if (JSON.stringify(names) !== JSON.stringify(allTopicNames())) {
      throw new Error(
        `${outOfDate}\n  committed: ${names.join(', ')}\n  registry:  ${allTopicNames().join(', ')}`,
      );
    }
  });

  it('gives each the registry partitions and retention, three replicas and two in sync', () => {
    try {
      expect(committed).toEqual(kafkaTopicResources());
    } catch (difference) {
      throw new Error(`${outOfDate}\n${(difference as Error).message}`, { cause: difference });
    }
    for (const topic of allTopics()) {
      const live = committed.find((resource) => resource.spec.topicName === topic.name);
      const dlq = committed.find((resource) => resource.spec.topicName === topic.dlq);
      expect(live?.spec).toEqual({
        topicName: topic.name,
        partitions: topic.partitions,
        replicas: TOPIC_REPLICAS,
        config: { 'retention.ms': topic.retentionMs, 'min.insync.replicas': MIN_INSYNC_REPLICAS },
      });
      expect(dlq?.spec.config['retention.ms']).toBe(topic.dlqRetentionMs);
    }
  });

  it('are part of the prod overlay', () => {
    expect(prodKustomization.resources).toContain(KAFKA_TOPICS_PATH.replace('k8s/overlays/prod/', ''));
  });

  it('belong to the Kafka cluster the apps connect to, which creates topics with the same replicas', () => {
    const configPatch = prodKustomization.patches.find(
      (patch) => patch.target.kind === 'ConfigMap' && patch.target.name === 'platform-config',
    );
    const data = (parse(configPatch?.patch ?? '{}') as { data?: Record<string, string> }).data ?? {};
    expect(data).toMatchObject({
      KAFKA_BROKERS: strimziBootstrapAddress(),
      KAFKA_REPLICATION_FACTOR: String(TOPIC_REPLICAS),
    });
  });
});
