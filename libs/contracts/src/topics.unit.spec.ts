import { dlqTopicOf, retryTopicOf } from './topics';

describe('topic naming', () => {
  it('puts retries and dead letters beside the topic they serve', () => {
    expect(retryTopicOf('order.events')).toBe('order.events.retry');
    expect(dlqTopicOf('order.events')).toBe('order.events.dlq');
  });
});
