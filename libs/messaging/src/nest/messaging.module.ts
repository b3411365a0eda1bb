import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { METRICS_REGISTRY } from '@platform/observability';
import { Registry } from 'prom-client';
import { MessagingMetrics } from '../metrics';
import { EventProducer } from '../producer/event-producer';
import { createKafkaClient } from '../client/create-kafka-client';
import type { KafkaClient } from '../client/kafka-client';
import { MessagingLifecycle } from './messaging.lifecycle';
import {
  KAFKA_CLIENT,
  MESSAGING_OPTIONS,
  type MessagingModuleAsyncOptions,
  type MessagingModuleOptions,
} from './messaging.options';
import { MESSAGING_METRICS } from './messaging.tokens';

const sharedProviders: Provider[] = [
  {
    provide: MESSAGING_METRICS,
    // The app's registry (observability) when there is one, so /metrics shows messaging too.
    useFactory: (options: MessagingModuleOptions, appRegistry?: Registry) =>
      MessagingMetrics.for(options.registry ?? appRegistry ?? new Registry()),
    inject: [MESSAGING_OPTIONS, { token: METRICS_REGISTRY, optional: true }],
  },
  {
    provide: KAFKA_CLIENT,
    useFactory: (options: MessagingModuleOptions) =>
      createKafkaClient(options.client ?? 'kafkajs', {
        clientId: options.clientId,
        brokers: options.brokers,
      }),
    inject: [MESSAGING_OPTIONS],
  },
  {
    provide: EventProducer,
    useFactory: (client: KafkaClient, options: MessagingModuleOptions, metrics: MessagingMetrics) =>
      new EventProducer(client, { ...options.producer, metrics }),
    inject: [KAFKA_CLIENT, MESSAGING_OPTIONS, MESSAGING_METRICS],
  },
  MessagingLifecycle,
];

/**
 * Kafka for a NestJS app: inject EventProducer to publish; to consume, list the app's
 * `consumerGroups`, write handlers with `@EventPattern` in controllers, and start the groups as
 * microservices with startConsumerGroups(app). Global, imported once by the app module.
 */
@Global()
@Module({})
export class MessagingModule {
  /** Static options. */
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return MessagingModule.build([{ provide: MESSAGING_OPTIONS, useValue: options }]);
  }

  /** Options from a factory, e.g. `useFactory: (config: AppConfig) => ({ brokers: config.KAFKA_BROKERS, ... })`. */
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    const module = MessagingModule.build([
      { provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
    ]);
    return { ...module, imports: [...(module.imports ?? []), ...(options.imports ?? [])] };
  }

  private static build(optionProviders: Provider[]): DynamicModule {
    return {
      module: MessagingModule,
      // The lifecycle looks for @EventPattern handlers that no consumer group would ever run.
      imports: [DiscoveryModule],
      providers: [...optionProviders, ...sharedProviders],
      exports: [EventProducer, MESSAGING_METRICS, KAFKA_CLIENT],
    };
  }
}
