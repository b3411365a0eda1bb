import { allTopicNames } from '@platform/contracts';
import { STRIMZI, TOPIC_REPLICAS } from './kafka-topics';
import { CONSUMERS } from './scaled-objects';

/**
 * Region B (passive) mirrors region A's Kafka with a Strimzi KafkaMirrorMaker2, as the local
 * failover drill does with MirrorMaker 2 in dedicated mode (tools/drill/mm2/mm2.properties.tmpl):
 * same topic names (IdentityReplicationPolicy), every consumer group, checkpoints and group offsets
 * synced every second. Generated from the topic registry, so that a new topic is mirrored as soon
 * as it exists: a topic left out would be empty in B after a failover.
 */
export const MIRROR = {
  /** MirrorMaker 2's names of the two clusters; only the source's appears in its internal topics. */
  sourceAlias: 'region-a',
  targetAlias: 'region-b',
  /** Region A's bootstrap address as B's pods reach it (a cross-cluster DNS name of your own). */
  sourceBootstrap: `${STRIMZI.cluster}-kafka-bootstrap.${STRIMZI.namespace}.region-a.internal:${STRIMZI.plainPort}`,
  /** Offset syncs, checkpoints, group offset sync and topic/group discovery, in seconds. */
  intervalSeconds: 1,
} as const;

/** The generated file, relative to the repository root. */
export const MIRROR_MAKER_PATH = 'k8s/overlays/region-b/kafka-mirror-maker-2.yaml';

const IDENTITY_POLICY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';

/** Strimzi's KafkaMirrorMaker2 (kafka.strimzi.io/v1, the only version Strimzi 1.x serves), as much as the platform sets. */
export interface KafkaMirrorMaker2Resource {
  apiVersion: 'kafka.strimzi.io/v1';
  kind: 'KafkaMirrorMaker2';
  metadata: { name: string; namespace: string };
  spec: {
    replicas: number;
    target: Record<string, unknown> & { alias: string; bootstrapServers: string };
    mirrors: {
      source: { alias: string; bootstrapServers: string };
      sourceConnector: { tasksMax: number; config: Record<string, string | number | boolean> };
      checkpointConnector: { tasksMax: number; config: Record<string, string | number | boolean> };
      topicsPattern: string;
      groupsPattern: string;
      groupsExcludePattern: string;
    }[];
    resources: Record<string, Record<string, string>>;
  };
}

/**
 * The topics to mirror as MirrorMaker's regular expression (Java, matched against the whole name):
 * every topic of the registry with its `.retry` and `.dlq`, by exact name, since B's consumers
 * (dlq-consumer included) must find all of them after a failover.
 */
export function mirroredTopicsPattern(): string {
  return allTopicNames().map(quoteRegex).join('|');
}

/** A name as a regular expression that matches it alone (Java's and JavaScript's syntax alike). */
function quoteRegex(name: string): string {
  return name.replace(/[.\\+*?^$()[\]{}|]/g, '\\$&');
}

/** The consumer group of analytics-ingest, which runs in B before a failover too. */
function warmGroup(): string {
  const ingest = CONSUMERS.find((consumer) => consumer.deployment === 'analytics-ingest');
  if (!ingest) throw new Error('tools/k8s/scaled-objects.ts: no consumer analytics-ingest');
  return quoteRegex(ingest.group.id);
}

/** The one KafkaMirrorMaker2 of region B: A's topics into B's cluster "platform" under the same names. */
export function mirrorMakerResource(): KafkaMirrorMaker2Resource {
  const seconds = MIRROR.intervalSeconds;
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaMirrorMaker2',
    metadata: { name: 'region-a-to-b', namespace: STRIMZI.namespace },
    spec: {
      replicas: 1,
      // The Connect cluster runs beside B's brokers and keeps its state there.
      target: {
        alias: MIRROR.targetAlias,
        bootstrapServers: `${STRIMZI.cluster}-kafka-bootstrap:${STRIMZI.plainPort}`,
        groupId: 'mirror-maker-2',
        configStorageTopic: 'mirror-maker-2.configs',
        offsetStorageTopic: 'mirror-maker-2.offsets',
        statusStorageTopic: 'mirror-maker-2.status',
        config: {
          'config.storage.replication.factor': TOPIC_REPLICAS,
          'offset.storage.replication.factor': TOPIC_REPLICAS,
          'status.storage.replication.factor': TOPIC_REPLICAS,
        },
      },
      mirrors: [
        {
          source: { alias: MIRROR.sourceAlias, bootstrapServers: MIRROR.sourceBootstrap },
          sourceConnector: {
            tasksMax: 12,
            config: {
              // Same names in B: a failed-over consumer reads `order.events`, not `region-a.order.events`.
              'replication.policy.class': IDENTITY_POLICY,
              'replication.factor': TOPIC_REPLICAS,
              // An offset sync for every record, so translated group offsets are exact, not up to 100 behind.
              'offset.lag.max': 0,
              'offset-syncs.topic.location': 'source',
              'offset-syncs.topic.replication.factor': TOPIC_REPLICAS,
              'refresh.topics.interval.seconds': seconds,
              'sync.topic.configs.enabled': true,
              'sync.topic.acls.enabled': false,
            },
          },
          checkpointConnector: {
            tasksMax: 1,
            config: {
              // Must be the source connector's policy, or the checkpoints name topics B does not have.
              'replication.policy.class': IDENTITY_POLICY,
              'offset-syncs.topic.location': 'source',
              'checkpoints.topic.replication.factor': TOPIC_REPLICAS,
              // B's groups get A's committed offsets, translated, within a second (defaults: 60 s):
              // the drill measures how many records a failed-over consumer reads twice at this setting.
              'emit.checkpoints.interval.seconds': seconds,
              'sync.group.offsets.enabled': true,
              'sync.group.offsets.interval.seconds': seconds,
              'refresh.groups.interval.seconds': seconds,
            },
          },
          topicsPattern: mirroredTopicsPattern(),
          // Every group: B's consumers resume where A's left off, whichever app they are. Except
          // the warm analytics-ingest of B, which feeds B's own ClickHouse at its own offsets:
          // MirrorMaker writes a group's offsets whenever it has no member in B (a restart), and
          // A's would make it skip or repeat records in B's ClickHouse.
          groupsPattern: '.*',
          groupsExcludePattern: warmGroup(),
        },
      ],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
    },
  };
}
