import { allTopics } from '@platform/contracts';
import { causeChain } from '@platform/service-edge';
import { KafkaJSTimeout } from 'kafkajs';
import { backoffMs } from '../consumer/retry-policy';
import { errorClassOf } from '../errors';
import { TopicsMissing } from '../topic-admin';

/** How a start step that failed for a reason that can pass (a broker answer, a missing topic) is tried again. Times in ms. */
export interface StartBackoff {
  initialBackoffMs: number;
  /** The cap: an app waiting for another one's topics looks again at least this often. */
  maxBackoffMs: number;
  multiplier: number;
}

export const defaultStartBackoff: StartBackoff = {
  initialBackoffMs: 500,
  maxBackoffMs: 10_000,
  multiplier: 2,
};

/** After a failed start step: wait `delayMs` and try again, or give up (the error cannot pass by waiting). */
export type StartDecision =
  { action: 'retry'; delayMs: number; reason: string } | { action: 'fail'; reason: string };

/**
 * What to do after attempt `attempt` of a start step failed with `error`: wait it out (see
 * {@link isWorthWaiting}) with capped, jittered exponential backoff and no limit, since apps start
 * in any order and the one that owns a topic may come up minutes later; or fail.
 */
export function decideAfterStartFailure(
  error: unknown,
  attempt: number,
  backoff: StartBackoff = defaultStartBackoff,
  random: () => number = Math.random,
): StartDecision {
  const reason = startFailureReason(error);
  if (!isWorthWaiting(error)) return { action: 'fail', reason };
  return { action: 'retry', delayMs: backoffMs(backoff, attempt, random), reason };
}

/**
 * Whether a start step's failure can pass by waiting: an error marked retriable, also as the cause
 * of another (kafkajs's UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, coordinator errors, a
 * refused connection inside its retries-exceeded error, a topic not created yet), a kafkajs
 * timeout (leaders not elected in time on a busy broker), or kafkajs's aggregate of per-topic
 * errors that are each retriable or say another caller created the topic. Anything else fails the
 * start: `retriable: false` (a topic with fewer partitions than its spec, an ACL refusal) or an
 * error that says nothing (a bug; looping on it would hide it).
 */
export function isWorthWaiting(error: unknown): boolean {
  const errors = (error as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.every(
      (inner: unknown) =>
        (inner as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS' || isWorthWaiting(inner),
    );
  }
  return causeChain(error).some(
    (e) => e instanceof KafkaJSTimeout || (e as { retriable?: unknown }).retriable === true,
  );
}

/**
 * Whether attempt `attempt`'s failure is worth a log line: the first, every power of two after it,
 * and any whose reason differs from the previous one. A wait of an hour at the capped backoff
 * logs about a dozen lines, not one per attempt, and a change of cause is never hidden.
 */
export function isWorthLogging(attempt: number, reasonChanged: boolean): boolean {
  return reasonChanged || (attempt > 0 && (attempt & (attempt - 1)) === 0);
}

const ownerByTopic: ReadonlyMap<string, string> = new Map(
  allTopics().flatMap((topic) =>
    [topic.name, topic.retry, topic.dlq].map((name) => [name, topic.owner] as const),
  ),
);

/**
 * Why a start step failed, in words an operator reads in `/health/ready` and in the log: missing
 * topics by name with the service that creates them, anything else by error class and message.
 */
export function startFailureReason(error: unknown): string {
  if (error instanceof TopicsMissing) {
    const owners = [...new Set(error.topics.flatMap((topic) => ownerByTopic.get(topic) ?? []))];
    const createdBy = owners.length > 0 ? ` (created by ${owners.join(', ')})` : '';
    return `waiting for topics: ${error.topics.join(', ')}${createdBy}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${errorClassOf(error)}: ${message}`;
}
