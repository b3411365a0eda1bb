import { Module, type DynamicModule } from '@nestjs/common';
import { allTopics } from '@platform/contracts';
import { gatewayIdentityProvider } from '@platform/identity';
import { MessagingModule } from '@platform/messaging';
import { MongoModule } from '@platform/mongo';
import { DLQ_CONSUMER_CONFIG, type DlqConsumerConfig } from './config/dlq-consumer.config';
import { AdminGuard } from './http/admin.guard';
import { DlqController } from './http/dlq.controller';

import { DeadLetterHandler, decodeDeadLetter } from './quarantine/dead-letter.handler';
import { QuarantineMetrics } from './quarantine/quarantine.metrics';
import { QuarantineCollections } from './quarantine/quarantine-collections';
import { QuarantineQueries } from './quarantine/quarantine.queries';
import { QuarantineStore } from './quarantine/quarantine.store';
import { QuarantineTransitions } from './quarantine/quarantine-transitions';
import { Replayer } from './replay/replayer';

/** Every dead-letter topic of the catalog: the DLQ app quarantines them all. */
export const DEAD_LETTER_TOPICS = allTopics().map((topic) => ({
  name: topic.dlq,
  partitions: topic.partitions,
  retentionMs: topic.dlqRetentionMs,
}));

/**
 * dlq-consumer: quarantines every `*.dlq` record in MongoDB, and lets admins inspect, group,
 * replay and discard them.
 */
@Module({})
export class AppModule {
  static with(config: DlqConsumerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        MessagingModule.forRoot({
          clientId: 'dlq-consumer',
          brokers: config.KAFKA_BROKERS,
          client: config.KAFKA_CLIENT,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          groupId: config.DLQ_CONSUMER_GROUP,
          topics: DEAD_LETTER_TOPICS.map((topic) => topic.name),
          // Each owner creates its topic's .dlq with the topic; the group waits until all exist.
          decode: decodeDeadLetter,
          consumer: {
            consumeRetryTopics: false,
            // A store outage waits as long as it lasts: a dead letter has nowhere further to go.
            retry: { maxAttempts: Number.MAX_SAFE_INTEGER, initialBackoffMs: 500, maxBackoffMs: 30_000 },
          },
        }),
        MongoModule.forRoot({ url: config.MONGO_URL, database: config.DLQ_MONGO_DATABASE }),
      ],
      controllers: [DlqController],
      providers: [
        { provide: DLQ_CONSUMER_CONFIG, useValue: config },
        QuarantineCollections,
        QuarantineStore,
        QuarantineQueries,
        QuarantineTransitions,
        QuarantineMetrics,
        DeadLetterHandler,
        Replayer,
        AdminGuard,
        gatewayIdentityProvider(
          DLQ_CONSUMER_CONFIG,
          'dlq',
          (c: DlqConsumerConfig) => c.GATEWAY_IDENTITY_PUBLIC_KEYS,
        ),
      ],
      exports: [DLQ_CONSUMER_CONFIG],
    };
  }
}
