import type { Message, RecordMetadata } from 'kafkajs';
import { hasUnwritten, RoutingRecorder, writtenPartitions } from './write-check';

const answer = (topicName: string, partition: number): RecordMetadata => ({
  topicName,
  partition,
  errorCode: 0,
  baseOffset: '0',
});

describe('checking a send against where its records were routed', () => {
  it('routes by key as the default partitioner does, and remembers each record', () => {
    const recorder = new RoutingRecorder();
    const route = recorder.createPartitioner();
    const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const a: Message = { key: 'order-1', value: 'x' };
    const b: Message = { key: 'order-1', value: 'y' };
    const pa = route({ topic: 't', partitionMetadata, message: a });
    expect(route({ topic: 't', partitionMetadata, message: b })).toBe(pa);
    expect(recorder.partitionOf(a)).toBe(pa);
    expect(recorder.partitionOf({ key: 'never-sent', value: 'z' })).toBeUndefined();
  });

  it('finds a record acknowledged in a partition the answer does not name', () => {
    const messages: Message[] = [{ value: '1' }, { value: '2' }];
    const routed = new Map<Message, number>([
      [messages[0] as Message, 3],
      [messages[1] as Message, 7],
    ]);
    const partitionOf = (m: Message) => routed.get(m);
    const complete = writtenPartitions([answer('orders', 3), answer('orders', 7), answer('other', 1)]);
    expect(hasUnwritten('orders', messages, complete, partitionOf)).toBe(false);
    const partial = writtenPartitions([answer('orders', 3)]);
    expect(hasUnwritten('orders', messages, partial, partitionOf)).toBe(true);
    expect(hasUnwritten('orders', messages, writtenPartitions([]), partitionOf)).toBe(true);
  });
});
