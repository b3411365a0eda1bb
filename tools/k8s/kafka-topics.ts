import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics, topicConfigsOwnedBy, type TopicConfig } from '@platform/contracts';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * Production's Kafka is a Strimzi cluster: its topics are KafkaTopic resources that the Topic
 * Operator creates and keeps configured. They are generated from the topic registry in
 * @platform/contracts, so that production has exactly the topics the services would create for
 * themselves (ensureTopics), with three replicas.
 */
export const STRIMZI = {
  /** The Kafka resource's name: Strimzi names its bootstrap Service `<cluster>-kafka-bootstrap`. */
  cluster: 'platform',
  /** The namespace of the Kafka cluster, which its Topic Operator watches for KafkaTopics. */
  namespace: 'kafka',
  /** Port of the cluster's plain listener. */
  plainPort: 9092,
} as const;

/** Three copies of every record; an acks=all write needs two in sync, so one broker may be down. */
export const TOPIC_REPLICAS = 3;
export const MIN_INSYNC_REPLICAS = 2;

/** The generated file, relative to the repository root, and the command that writes every generated file. */
export const KAFKA_TOPICS_PATH = 'k8s/overlays/prod/kafka-topics.yaml';
export const GENERATE_COMMAND = 'npx nx run k8s:generate';

const ROOT = join(__dirname, '../..');

/** A Strimzi KafkaTopic (kafka.strimzi.io/v1beta2), as much of it as the platform sets. */
export interface KafkaTopicResource {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaTopic';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    topicName: string;
    partitions: number;
    replicas: number;
    config: { 'retention.ms': number; 'min.insync.replicas': number };
  };
}

/** Kafka's address as the apps see it: the cluster's bootstrap Service. */
export function strimziBootstrapAddress(): string {
  return `${STRIMZI.cluster}-kafka-bootstrap.${STRIMZI.namespace}.svc:${STRIMZI.plainPort}`;
}

/**
 * One KafkaTopic per topic the services create at start: every live topic of the registry, its
 * `.retry` and its `.dlq`, in registry order, with the partitions and retention the owner uses.
 */
export function kafkaTopicResources(): KafkaTopicResource[] {
  const owners = [...new Set(allTopics().map((topic) => topic.owner))];
  return owners.flatMap((owner) => topicConfigsOwnedBy(owner)).map(toKafkaTopic);
}

function toKafkaTopic(topic: TopicConfig): KafkaTopicResource {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: {
      name: topic.name,
      namespace: STRIMZI.namespace,
      labels: { 'strimzi.io/cluster': STRIMZI.cluster },
    },
    spec: {
      topicName: topic.name,
      partitions: topic.partitions,
      replicas: TOPIC_REPLICAS,
      config: { 'retention.ms': topic.retentionMs, 'min.insync.replicas': MIN_INSYNC_REPLICAS },
    },
  };
}

/** The content of {@link KAFKA_TOPICS_PATH}: a header that says where it comes from, then the resources. */
export function renderKafkaTopics(): string {
  const header = [
    `# Generated from libs/contracts/src/topic-registry.ts by \`${GENERATE_COMMAND}\`: do not edit.`,
    `# Every topic the services use, with its .retry and .dlq, for the Strimzi cluster`,
    `# "${STRIMZI.cluster}" in namespace ${STRIMZI.namespace} (tools/k8s/kafka-topics.unit.spec.ts checks it).`,
  ].join('\n');
  const documents = kafkaTopicResources().map((resource) => stringify(resource).trimEnd());
  return `${header}\n${documents.join('\n---\n')}\n`;
}

/** The KafkaTopics in the committed file, or an empty list when it does not exist. */
export function readCommittedKafkaTopics(): unknown[] {
  let text: string;
  try {
    text = readFileSync(join(ROOT, KAFKA_TOPICS_PATH), 'utf8');
  } catch {
    return [];
  }
  return parseAllDocuments(text).map((document) => document.toJS() as unknown);
}

/** The absolute path of {@link KAFKA_TOPICS_PATH}. */
export function kafkaTopicsFile(): string {
  return join(ROOT, KAFKA_TOPICS_PATH);
}
