import { Module, type DynamicModule } from '@nestjs/common';
import { allTopics } from '@platform/contracts';
import { MessagingModule } from '@platform/messaging';
import { MongoModule } from '@platform/mongo';
import { DLQ_CONSUMER_CONFIG, type DlqConsumerConfig } from './config/dlq-consumer.config';
import { AdminModule } from './admin/admin.module';
import { decodeDeadLetter } from './quarantine/messaging/dead-letter.handler';
import { QuarantineModule } from './quarantine/quarantine.module';
import { ReplayModule } from './replay/replay.module';

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
          consumerGroups: [
            {
              name: 'quarantine',
              groupId: config.DLQ_CONSUMER_GROUP,
              // Each owner creates its topic's .dlq with the topic; the group waits until all exist.
              topics: DEAD_LETTER_TOPICS.map((topic) => topic.name),
              decode: decodeDeadLetter,
              consumer: {
                consumeRetryTopics: false,
                // A store outage waits as long as it lasts: a dead letter has nowhere further to go.
                retry: { maxAttempts: Number.MAX_SAFE_INTEGER, initialBackoffMs: 500, maxBackoffMs: 30_000 },
              },
            },
          ],
        }),
        MongoModule.forRoot({ url: config.MONGO_URL, database: config.DLQ_MONGO_DATABASE }),
        QuarantineModule,
        ReplayModule,
        AdminModule,
      ],
      providers: [{ provide: DLQ_CONSUMER_CONFIG, useValue: config }],
      exports: [DLQ_CONSUMER_CONFIG],
    };
  }
}
