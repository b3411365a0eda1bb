import type { PartitionOffset } from '@platform/messaging';

/** How far one group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: string;
  endOffset: string;
  lag: number;
}

/** How far one group is behind, partition by partition and in all. */
export interface GroupLag {
  groupId: string;
  totalLag: number;
  partitions: PartitionLag[];
}

/**
 * The lag of a group from what it committed and where its partitions end: end minus committed,
 * never below 0 (a commit can be read after a newer end offset). A partition whose end is
 * unknown (the topic is gone) is left out; partitions come sorted by topic, then partition.
 */
export function groupLagOf(
  groupId: string,
  committed: readonly PartitionOffset[],
  ends: readonly PartitionOffset[],
): GroupLag {
  const endOf = new Map(ends.map((end) => [`${end.topic}\u0000${end.partition}`, end.offset]));
  const partitions: PartitionLag[] = [];
  for (const { topic, partition, offset } of committed) {
    const endOffset = endOf.get(`${topic}\u0000${partition}`);
    if (endOffset === undefined) continue;
    const lag = BigInt(endOffset) - BigInt(offset);
    partitions.push({
      topic,
      partition,
      committedOffset: offset,
      endOffset,
      lag: lag > 0n ? Number(lag) : 0,
    });
  }
  partitions.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return { groupId, totalLag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}
