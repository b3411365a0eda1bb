import { allTopics, Topics, type TopicSpec } from '@platform/contracts';

/**
 * KEDA ScaledObjects that scale each consumer Deployment on its consumer group's lag (KEDA's
 * `kafka` scaler reads committed and log-end offsets from the brokers), generated so that the
 * replica bound follows the topic registry: a group never has more useful members than the
 * partitions of a topic it reads, so `maxReplicaCount` is the smallest partition count among
 * them. auth-service and order-service only produce (through their outboxes) and keep their CPU
 * autoscalers. The component k8s/components/keda carries them and deletes the base's CPU
 * autoscalers of the same Deployments; the prod overlay uses it.
 */
export const KEDA_COMPONENT = 'k8s/components/keda';
export const SCALED_OBJECTS_PATH = `${KEDA_COMPONENT}/scaled-objects.yaml`;

/** One consumer Deployment: its group (the default of its config variable) and what it reads. */
export interface Consumer {
  deployment: string;
  /** The group id, and where the app's config defines it (the unit test reads the default there). */
  group: { id: string; variable: string; config: string };
  topics: readonly TopicSpec[];
  /** Reads the `.dlq` topics of `topics` rather than the topics themselves. */
  deadLetters?: true;
  /**
   * Lag per pod before KEDA adds one (KEDA divides the group's lag by it): low where a message
   * is slow to handle (a delivery), high where handling is cheap and batched.
   */
  lagThreshold: number;
  /** Where a group with no committed offset starts, as the app's config does by default. */
  offsetResetPolicy: 'earliest' | 'latest';
}

export const CONSUMERS: readonly Consumer[] = [
  {
    deployment: 'notification-service',
    group: {
      id: 'notification-service',
      variable: 'NOTIFICATION_EVENTS_GROUP',
      config: 'apps/notification-service/src/config/notification-service.config.ts',
    },
    topics: [Topics.identityEvents, Topics.orderEvents],
    // One MongoDB write per event, and a job on notification.jobs for each notification.
    lagThreshold: 200,
    offsetResetPolicy: 'latest', // NOTIFICATION_EVENTS_START
  },
  {
    deployment: 'notification-worker',
    group: {
      id: 'notification-workers',
      variable: 'NOTIFICATION_WORKER_GROUP',
      config: 'apps/notification-service/src/config/notification-service.config.ts',
    },
    topics: [Topics.notificationJobs],
    // Each job is an SMTP or webhook delivery of up to seconds.
    lagThreshold: 50,
    offsetResetPolicy: 'earliest',
  },
  {
    deployment: 'analytics-ingest',
    group: {
      id: 'analytics-ingest',
      variable: 'ANALYTICS_CONSUMER_GROUP',
      config: 'apps/analytics-ingest/src/config/analytics-ingest.config.ts',
    },
    topics: [Topics.identityEvents, Topics.orderEvents],
    // Batched inserts into ClickHouse: thousands of rows per second per pod.
    lagThreshold: 1000,
    offsetResetPolicy: 'earliest', // ANALYTICS_FROM_BEGINNING
  },
  {
    deployment: 'dlq-consumer',
    group: {
      id: 'dlq-consumer',
      variable: 'DLQ_CONSUMER_GROUP',
      config: 'apps/dlq-consumer/src/config/dlq-consumer.config.ts',
    },
    topics: allTopics(),
    deadLetters: true,
    // Dead letters are rare; a burst means an outage upstream, and one MongoDB write each.
    lagThreshold: 100,
    offsetResetPolicy: 'earliest',
  },
];

/** Replicas KEDA keeps at least: two, so that a drain or a crash never stops a group. */
export const MIN_REPLICAS = 2;

/** A KEDA ScaledObject (keda.sh/v1alpha1), as much of it as the platform sets. */
export interface ScaledObjectResource {
  apiVersion: 'keda.sh/v1alpha1';
  kind: 'ScaledObject';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    advanced: unknown;
    triggers: { type: string; metricType?: string; metadata: Record<string, string> }[];
  };
}

/** The topic names a consumer's group reads (its `.retry` topics aside). */
export function topicNamesOf(consumer: Consumer): string[] {
  return consumer.topics.map((topic) => (consumer.deadLetters ? topic.dlq : topic.name));
}

/** The upper bound of a consumer's replicas: the fewest partitions among the topics it reads. */
export function maxReplicasOf(consumer: Consumer): number {
  return Math.min(...consumer.topics.map((topic) => topic.partitions));
}

function toScaledObject(consumer: Consumer): ScaledObjectResource {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: consumer.deployment,
      namespace: 'platform',
      labels: { 'app.kubernetes.io/name': consumer.deployment },
    },
    spec: {
      scaleTargetRef: { name: consumer.deployment },
      minReplicaCount: MIN_REPLICAS,
      maxReplicaCount: maxReplicasOf(consumer),
      advanced: {
        // Every change of replicas rebalances the group and pauses its partitions, as with the
        // base's CPU autoscalers: remove pods one at a time, after ten quiet minutes.
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleDown: {
              stabilizationWindowSeconds: 600,
              policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
            },
          },
        },
      },
      triggers: [
        // One trigger per topic: KEDA scales to the largest need, and caps each at the topic's
        // partitions (allowIdleConsumers stays false).
        ...topicNamesOf(consumer).map((topic) => ({
          type: 'kafka',
          metadata: {
            // KEDA reads the variable from the Deployment's container (platform-config, envFrom).
            bootstrapServersFromEnv: 'KAFKA_BROKERS',
            consumerGroup: consumer.group.id,
            topic,
            lagThreshold: String(consumer.lagThreshold),
            offsetResetPolicy: consumer.offsetResetPolicy,
          },
        })),
        // CPU as well, as the base's autoscaler does: the pods also serve HTTP.
        { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      ],
    },
  };
}

/** The ScaledObjects of {@link SCALED_OBJECTS_PATH}, one per consumer Deployment. */
export function scaledObjectResources(): ScaledObjectResource[] {
  return CONSUMERS.map(toScaledObject);
}
