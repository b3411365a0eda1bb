import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaContext, MessageDecoder } from '@platform/messaging';
import { PINO_LOGGER } from '@platform/observability';
import type { Logger } from 'pino';
import { readDeadLetter, type RawHeader } from '../domain/dead-letter';
import { QuarantineMetrics } from '../infrastructure/quarantine.metrics';
import { QuarantineStore } from '../infrastructure/quarantine.store';

/** A dead letter as the runtime hands it over: key, value and headers untouched, whatever the bytes. */
export interface RawDeadLetter {
  type: 'DeadLetter';
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeader[];
}

/** Every record of a `*.dlq` topic decodes: poison is exactly what this app exists to keep. */
export const decodeDeadLetter: MessageDecoder<RawDeadLetter> = (value, record) => ({
  type: 'DeadLetter',
  key: record.key,
  value,
  headers: Object.entries(record.headers).flatMap(([name, v]) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((one) => ({
      name,
      value: Buffer.isBuffer(one) ? one : Buffer.from(one),
    })),
  ),
});

/**
 * Quarantines each dead letter. The record is committed only after the store has it; a store
 * that is down fails the handler, which the runtime retries (the app's retry policy waits as
 * long as it takes), so a dead letter is never lost on the way into quarantine.
 */
@Controller()
export class DeadLetterHandler {
  constructor(
    private readonly store: QuarantineStore,
    private readonly metrics: QuarantineMetrics,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern('DeadLetter')
  async onDeadLetter(@Payload() record: RawDeadLetter, @Ctx() context: KafkaContext): Promise<void> {
    const letter = readDeadLetter(
      { topic: context.topic, partition: context.partition, offset: context.offset },
      record.key,
      record.value,
      record.headers,
    );
    const outcome = await this.store.record(letter);
    if (outcome === 'duplicate') return;
    this.metrics.recordQuarantined(letter.topic, letter.fingerprint, outcome);
    this.logger.warn(
      {
        quarantineId: outcome === 'failed-again' ? letter.replayOf : letter.id,
        topic: letter.topic,
        eventType: letter.eventType,
        consumerGroup: letter.consumerGroup,
        fingerprint: letter.fingerprint,
        reason: letter.reason,
        error: `${letter.errorClass}: ${letter.errorMessage}`,
        traceId: letter.traceId,
      },
      outcome === 'failed-again'
        ? 'replayed message failed again, back in quarantine'
        : 'message quarantined',
    );
  }
}
