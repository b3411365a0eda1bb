import type { Message, PartitionerArgs, RecordMetadata } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/**
 * Where each record of a send was routed, so that the broker's answer can be checked against it.
 *
 * kafkajs 2.2.4 can acknowledge a send without having written all of it: when a partition
 * leader dies mid-send and its partitions move to a broker that already answered this send, the
 * retry skips them (that broker "has a response") and the send resolves. The fault suite's
 * broker-loss scenario found it: 22 of 13 950 acknowledged events, all in the dead leader's four
 * partitions, missing from the log. The producer routes with this partitioner (murmur2, as the
 * Java client does) and, after each send, checks that every partition it routed to answered.
 */
export class RoutingRecorder {
  private readonly routed = new WeakMap<Message, number>();

  /** A kafkajs `createPartitioner` that routes as DefaultPartitioner and remembers the choice. */
  readonly createPartitioner = () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args: PartitionerArgs): number => {
      const partition = inner(args);
      this.routed.set(args.message, partition);
      return partition;
    };
  };

  /** The partition `message` was routed to in its last send, if it was routed. */
  partitionOf(message: Message): number | undefined {
    return this.routed.get(message);
  }
}

/**
 * True when some record of `messages` went to a partition of `topic` that is missing from the
 * broker's answer `written`: that record was acknowledged without being written.
 */
export function hasUnwritten(
  topic: string,
  messages: readonly Message[],
  written: ReadonlyMap<string, ReadonlySet<number>>,
  partitionOf: (message: Message) => number | undefined,
): boolean {
  const partitions = written.get(topic);
  for (const message of messages) {
    const partition = partitionOf(message);
    if (partition !== undefined && !partitions?.has(partition)) return true;
  }
  return false;
}

/** The partitions each topic's answer names. */
export function writtenPartitions(metadata: readonly RecordMetadata[]): Map<string, Set<number>> {
  const written = new Map<string, Set<number>>();
  for (const { topicName, partition } of metadata) {
    const set = written.get(topicName) ?? new Set<number>();
    set.add(partition);
    written.set(topicName, set);
  }
  return written;
}
