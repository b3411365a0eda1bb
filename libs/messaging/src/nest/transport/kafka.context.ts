import { BaseRpcContext } from '@nestjs/microservices';
import { Headers } from '@platform/contracts';
import type { MessageContext } from '../../consumer/handler';

/**
 * What `@Ctx()` gives a handler of a consumer group: where the record came from, which attempt
 * this is, and a signal aborted when the runtime gives the record back (shutdown, rebalance).
 *
 *   @EventPattern('OrderPlaced')
 *   async onOrderPlaced(@Payload() event: EventOf<'OrderPlaced'>, @Ctx() ctx: KafkaContext) { ... }
 *
 * The handler runs inside the record's consumer span (a child of the producer's trace), so
 * what it logs and calls carries that trace; `traceparent` is the producer's own link.
 */
export class KafkaContext extends BaseRpcContext<[MessageContext]> implements MessageContext {
  /** The runtime's view of the record (what a context wraps). */
  get message(): MessageContext {
    return this.args[0];
  }

  get topic(): string {
    return this.message.topic;
  }

  get partition(): number {
    return this.message.partition;
  }

  get offset(): string {
    return this.message.offset;
  }

  get key(): string | null {
    return this.message.key;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.message.headers;
  }

  get groupId(): string {
    return this.message.groupId;
  }

  /** 1 on the first try, 2 on the first retry, ... */
  get attempt(): number {
    return this.message.attempt;
  }

  get signal(): AbortSignal {
    return this.message.signal;
  }

  /** The W3C trace context the producer sent, if any: the link back to the request that caused it. */
  get traceparent(): string | undefined {
    return this.message.headers[Headers.traceparent];
  }
}
