import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@platform/observability';
import mongoose, { type Connection } from 'mongoose';
import { DLQ_CONSUMER_CONFIG, type DlqConsumerConfig } from '../config/dlq-consumer.config';

/** The app's mongoose connection (its own database on MONGO_URL). */
export const MONGO_CONNECTION = Symbol('dlq-consumer.mongo-connection');

/**
 * MongoDB through mongoose: one connection, opened at start (the app does not start without its
 * store), checked by /health/ready, closed after HTTP and consumption have stopped.
 */
@Global()
@Module({
  providers: [
    {
      provide: MONGO_CONNECTION,
      inject: [DLQ_CONSUMER_CONFIG],
      useFactory: async (config: DlqConsumerConfig): Promise<Connection> => {
        const connection = mongoose.createConnection(config.MONGO_URL, {
          dbName: config.DLQ_MONGO_DATABASE,
          serverSelectionTimeoutMS: 5_000,
        });
        return connection.asPromise();
      },
    },
  ],
  exports: [MONGO_CONNECTION],
})
export class MongoModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({
      name: 'mongo',
      check: async () => {
        await this.connection.db?.command({ ping: 1 });
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
