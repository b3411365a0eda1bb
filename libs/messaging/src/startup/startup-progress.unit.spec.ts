import { StartupProgress } from './startup-progress';

describe('StartupProgress', () => {
  it('says what each part that has not started waits for, in the order the parts began', () => {
    const progress = new StartupProgress();
    progress.set('producer', { state: 'started' });
    progress.set('consumer group events', {
      state: 'waiting',
      reason: 'waiting for topics: order.events (created by order-service)',
      attempt: 3,
    });
    progress.set('consumer group jobs', { state: 'starting' });
    expect(progress.notStarted()).toBe(
      'consumer group events: waiting for topics: order.events (created by order-service) (attempt 3, retrying with backoff); ' +
        'consumer group jobs: starting',
    );
  });

  it('says that a part failed for good', () => {
    const progress = new StartupProgress();
    progress.set('topics of order-service', {
      state: 'failed',
      reason: 'TopicSpecMismatch: topic order.events: has 3 partitions',
    });
    expect(progress.notStarted()).toBe(
      'topics of order-service: failed, not retrying: TopicSpecMismatch: topic order.events: has 3 partitions',
    );
  });

  it('has nothing to say once every part has started', () => {
    const progress = new StartupProgress();
    expect(progress.notStarted()).toBeUndefined();
    progress.set('producer', {
      state: 'waiting',
      reason: 'KafkaJSConnectionError: ECONNREFUSED',
      attempt: 1,
    });
    progress.set('producer', { state: 'started' });
    expect(progress.notStarted()).toBeUndefined();
  });
});
