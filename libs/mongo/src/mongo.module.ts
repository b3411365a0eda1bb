import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ReadinessRegistry } from '@platform/observability';
import mongoose, { type Connection } from 'mongoose';

/** The app's mongoose connection (its own database on the server). */
export const MONGO_CONNECTION = Symbol('platform.mongo.connection');

export interface MongoOptions {
  /** `mongodb://` or `mongodb+srv://` URL of the server (FerretDB or MongoDB). */
  url: string;
  /** The app's own database on that server. */
  database: string;
}

/**
 * MongoDB through mongoose for an app: one connection, opened at start (the app does not start
 * without its store), checked by /health/ready, closed after HTTP and consumption have stopped.
 */
@Global()
@Module({})
export class MongoModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    private readonly readiness: ReadinessRegistry,
  ) {}

  static forRoot(options: MongoOptions): DynamicModule {
    return {
      module: MongoModule,
      providers: [
        {
          provide: MONGO_CONNECTION,
          useFactory: (): Promise<Connection> =>
            mongoose
              .createConnection(options.url, { dbName: options.database, serverSelectionTimeoutMS: 5_000 })
              .asPromise(),
        },
      ],
      exports: [MONGO_CONNECTION],
    };
  }

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
