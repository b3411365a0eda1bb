/**
 * One consumer instance of the scaling benchmark, a child process forked by scaling.bench.ts:
 * on `start` it runs a ConsumerRuntime on the broker, in the group and on the topic it is given
 * (the parent's run's, bench-kafka.ts), and reports how
 * many records it handled and when (epoch ms, comparable between processes on one machine).
 */
import { createKafkaClient, type ConsumerRuntime, type KafkaClient } from '@platform/messaging';
import { benchRuntime } from './bench-runtime';

/** Parent to instance. */
export type InstanceCommand =
  { type: 'start'; brokers: string[]; groupId: string; topic: string } | { type: 'stop' };

/** Records handled so far, and when the first and the latest of them were (epoch ms). */
export interface Tally {
  count: number;
  first: number;
  last: number;
}

/** Instance to parent. */
export type InstanceReport =
  { type: 'ready' } | { type: 'started' } | ({ type: 'progress' | 'stopped' } & Tally);

const progressEveryMs = 100;
/** One client for every run of this instance: made on the first `start`, which names the broker. */
let client: KafkaClient | undefined;
const now = () => performance.timeOrigin + performance.now();

let runtime: ConsumerRuntime | undefined;
let progressTimer: NodeJS.Timeout | undefined;
let tally: Tally = { count: 0, first: 0, last: 0 };

function send(report: InstanceReport): void {
  process.send?.(report);
}

async function onCommand(command: InstanceCommand): Promise<void> {
  switch (command.type) {
    case 'start': {
      tally = { count: 0, first: 0, last: 0 };
      client ??= createKafkaClient('kafkajs', {
        clientId: `bench-scaling-${process.pid}`,
        brokers: command.brokers,
        quiet: true,
      });
      runtime = benchRuntime(client, command.groupId, command.topic, async () => {
        const at = now();
        if (tally.count === 0) tally.first = at;
        tally.count += 1;
        tally.last = at;
      });
      await runtime.start();
      let reported = -1;
      progressTimer = setInterval(() => {
        if (tally.count === reported) return;
        reported = tally.count;
        send({ type: 'progress', ...tally });
      }, progressEveryMs);
      send({ type: 'started' });
      return;
    }
    case 'stop':
      clearInterval(progressTimer);
      await runtime?.stop();
      runtime = undefined;
      send({ type: 'stopped', ...tally });
      return;
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

process.on('message', (command: InstanceCommand) => {
  onCommand(command).catch((err: Error) => {
    console.error(`scaling instance ${process.pid}: ${err.message}`);
    process.exit(1);
  });
});
// The parent is gone (finished or crashed): leave the group rather than linger.
process.on('disconnect', () => {
  void (runtime?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
send({ type: 'ready' });
