import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The messaging runtime's Prometheus metrics, registered in the app's registry. Labels stay
 * bounded: topic, group, event type, error class and partition, never keys or ids.
 */
export class MessagingMetrics {
  private static readonly byRegistry = new WeakMap<Registry, MessagingMetrics>();

  /** The metrics of `registry`, created on first use: producer and consumers of one app share them. */
  static for(registry: Registry): MessagingMetrics {
    let metrics = MessagingMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new MessagingMetrics(registry);
      MessagingMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  /**
   * Metrics in a registry of their own that nothing scrapes: the default of a runtime built
   * without the app's registry (tests, tools), so the hot path never checks for absent metrics.
   */
  static detached(): MessagingMetrics {
    return new MessagingMetrics(new Registry());
  }

  readonly consumed: Counter<'topic' | 'group'>;
  readonly handled: Counter<'topic' | 'group' | 'type'>;
  readonly ignored: Counter<'topic' | 'group' | 'reason'>;
  readonly failures: Counter<'topic' | 'group' | 'type' | 'error_class'>;
  readonly retries: Counter<'topic' | 'group'>;
  readonly deadLettered: Counter<'topic' | 'group' | 'reason'>;
  readonly handlerDuration: Histogram<'topic' | 'group' | 'type'>;
  readonly batchRecords: Histogram<'topic' | 'group' | 'type'>;
  readonly lag: Gauge<'topic' | 'partition' | 'group'>;
  readonly inFlight: Gauge<'topic' | 'partition' | 'group'>;
  readonly produced: Counter<'topic'>;
  readonly produceFailures: Counter<'topic'>;
  readonly produceDuration: Histogram<'topic'>;

  private constructor(registry: Registry) {
    const registers = [registry];
    this.consumed = new Counter({
      name: 'messaging_messages_consumed_total',
      help: 'Records fetched by the consumer runtime.',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.handled = new Counter({
      name: 'messaging_messages_handled_total',
      help: 'Records whose handler succeeded.',
      labelNames: ['topic', 'group', 'type'],
      registers,
    });
    this.ignored = new Counter({
      name: 'messaging_messages_ignored_total',
      help: 'Records skipped on purpose: no handler for the type, or a replay meant for another group.',
      labelNames: ['topic', 'group', 'reason'],
      registers,
    });
    this.failures = new Counter({
      name: 'messaging_handler_failures_total',
      help: 'Handler attempts that threw, before any retry.',
      labelNames: ['topic', 'group', 'type', 'error_class'],
      registers,
    });
    this.retries = new Counter({
      name: 'messaging_retries_total',
      help: 'Attempts scheduled again after a retryable failure.',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'messaging_dead_lettered_total',
      help: 'Records written to the DLQ, by reason (decode, permanent, exhausted).',
      labelNames: ['topic', 'group', 'reason'],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: 'messaging_handler_duration_seconds',
      help: 'Time spent in a handler, per attempt (per call, for a batch handler).',
      labelNames: ['topic', 'group', 'type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchRecords = new Histogram({
      name: 'messaging_batch_records',
      help: 'Records per call of a batch handler, per attempt.',
      labelNames: ['topic', 'group', 'type'],
      buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000],
      registers,
    });
    this.lag = new Gauge({
      name: 'messaging_consumer_lag',
      help: 'Records between the committed position and the partition high watermark.',
      labelNames: ['topic', 'partition', 'group'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'messaging_in_flight_messages',
      help: 'Records fetched and not yet done (handled, ignored or dead-lettered).',
      labelNames: ['topic', 'partition', 'group'],
      registers,
    });
    this.produced = new Counter({
      name: 'messaging_messages_produced_total',
      help: 'Records acknowledged by the brokers.',
      labelNames: ['topic'],
      registers,
    });
    this.produceFailures = new Counter({
      name: 'messaging_produce_failures_total',
      help: 'Records whose send failed after the client retries.',
      labelNames: ['topic'],
      registers,
    });
    this.produceDuration = new Histogram({
      name: 'messaging_produce_duration_seconds',
      help: 'Time from a send request to the brokers acknowledging it (acks=all).',
      labelNames: ['topic'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
  }
}
