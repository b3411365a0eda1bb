import { BaseRpcContext } from '@nestjs/microservices';
import type { MessageContext } from '../../consumer/handler';

/**
 * What `@Ctx()` gives a batch handler: where each event came from (`records[i]` for the i-th
 * event of the payload) and which attempt this call is.
 *
 *   @EventPattern('AnyEvent', { batch: true })
 *   async onEvents(@Payload() events: AnyEvent[], @Ctx() ctx: KafkaBatchContext) { ... }
 *
 * The call runs in a span of its own, linked to the trace of every record that carries one. Its
 * records may come from several partitions (a group's `consumer.batch.maxWaitMs` joins them), in
 * offset order within each partition.
 */
export class KafkaBatchContext extends BaseRpcContext<[readonly MessageContext[]]> {
  /** The records of the call, one per event, in the payload's order. */
  get records(): readonly MessageContext[] {
    return this.args[0];
  }

  /** 1 on the first try of these records, 2 on the first retry, ... */
  get attempt(): number {
    return this.records[0]?.attempt ?? 1;
  }

  /** Aborted once any of the call's records is given back (shutdown, rebalance): stop early if you can. */
  get signal(): AbortSignal {
    const signals = [...new Set(this.records.map((r) => r.signal))];
    return signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals);
  }
}
