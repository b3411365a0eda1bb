import { Partitioners } from 'kafkajs';
import { partitionOfKey } from './platformatic.client';

describe('routing by key under @platformatic/kafka', () => {
  it('sends every key to the partition kafkajs (and the Java client) sends it to', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 12, 64]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        partitionErrorCode: 0,
        replicas: [1],
        isr: [1],
      }));
      for (let i = 0; i < 500; i++) {
        const key = `order-${i}-${(i * 7919).toString(36)}`;
        const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect({ key, partitions, partition: partitionOfKey(Buffer.from(key), partitions) }).toEqual({
          key,
          partitions,
          partition: expected,
        });
      }
    }
  });
});
