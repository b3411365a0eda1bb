import type { RecordAck } from '../client/kafka-client';

/** A partition's part of the broker's answer to one produce request. */
export interface PartitionAnswer {
  topic: string;
  partition: number;
  baseOffset: string | bigint;
}

/**
 * Each record's ack, from where it was routed and what the broker answered: the base offset of its
 * partition plus its place among the request's records of that partition; `undefined` when the
 * answer leaves its partition out.
 *
 * A client can acknowledge a send without having written all of it. kafkajs 2.2.4 does: when a
 * partition leader dies mid-send and its partitions move to a broker that already answered this
 * send, the retry skips them (that broker "has a response") and the send resolves. The fault
 * suite's broker-loss scenario found it: 22 of 13 950 acknowledged events, all in the dead leader's
 * four partitions, missing from the log. So every adapter routes itself (murmur2, as the Java
 * client does), keeps each record's partition, and answers through this check; EventProducer
 * rejects a publish with a record left out (ProduceIncompleteError, retriable).
 */
export function acksOf(
  topic: string,
  routed: readonly number[],
  answer: readonly PartitionAnswer[],
): (RecordAck | undefined)[] {
  const next = new Map<number, bigint>();
  for (const part of answer) if (part.topic === topic) next.set(part.partition, BigInt(part.baseOffset));
  return routed.map((partition) => {
    const offset = next.get(partition);
    if (offset === undefined) return undefined;
    next.set(partition, offset + 1n);
    return { topic, partition, offset: offset.toString() };
  });
}
