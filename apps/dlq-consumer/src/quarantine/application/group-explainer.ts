import { Injectable } from '@nestjs/common';
import {
  contractReportOf,
  isKnownEventType,
  latestVersionOf,
  type ContractReport,
} from '@platform/contracts';
import { FingerprintNotFound } from '../../errors/dlq.errors';
import { bytesOf } from '../domain/bytes';
import { errorChainOf, type ErrorLink } from '../domain/error-chain';
import type { QuarantineEntry } from '../infrastructure/quarantine.model';
import { QuarantineQueries, type FingerprintFacts } from '../infrastructure/quarantine.queries';
import { QuarantineStore } from '../infrastructure/quarantine.store';

/** Whether a kind of failure is its messages' fault (a broken contract) or the consumer's. */
export type ContractVerdict = 'contract-violation' | 'not-a-contract-violation' | 'unknown';

/** Why the messages of one fingerprint failed, as far as the quarantine can tell. */
export interface GroupExplanation extends Omit<FingerprintFacts, 'newestId'> {
  errorChain: ErrorLink[];
  sample: { id: string; eventType: string | null; eventVersion: number | null; eventId: string | null };
  contract: {
    verdict: ContractVerdict;
    explanation: string;
    eventType: string | null;
    version: number | null;
    knownVersions: number[];
    latestVersion: number | null;
    code: string | null;
    issues: { path: string; message: string }[];
  };
}

/**
 * Explains a fingerprint: what its entries say together, and its newest entry (the sample)
 * checked against the contract catalog as the consumers decode it. A fingerprint stands for one
 * cause on one topic and event type, so one sample speaks for the group; the sample is read
 * whole, the others only by their small fields.
 */
@Injectable()
export class GroupExplainer {
  constructor(
    private readonly queries: QuarantineQueries,
    private readonly store: QuarantineStore,
  ) {}

  /** Throws FingerprintNotFound (404) when no entry has this fingerprint. */
  async explain(fingerprint: string): Promise<GroupExplanation> {
    const facts = await this.queries.fingerprintFacts(fingerprint);
    const sample = facts ? await this.store.get(facts.newestId) : null;
    if (!facts || !sample) throw new FingerprintNotFound(fingerprint);
    const { newestId: _, ...together } = facts;
    const value = bytesOf(sample.value);
    const report = value ? contractReportOf(value, bytesOf(sample.key)) : null;
    return {
      ...together,
      errorChain: errorChainOf(sample, sample.headers),
      sample: {
        id: sample._id,
        eventType: report?.eventType ?? sample.eventType,
        eventVersion: report?.version ?? null,
        eventId: sample.eventId,
      },
      contract: contractView(sample, report),
    };
  }
}

function contractView(sample: QuarantineEntry, report: ContractReport | null): GroupExplanation['contract'] {
  const eventType = report?.eventType ?? sample.eventType;
  const common = {
    eventType,
    version: report?.version ?? null,
    knownVersions: [...(report?.knownVersions ?? [])],
    latestVersion: eventType && isKnownEventType(eventType) ? latestVersionOf(eventType) : null,
  };
  if (!report) {
    return {
      ...common,
      verdict: 'unknown',
      explanation:
        'the sample has no value to check (written without it, e.g. too large for its DLQ topic: the bytes stay at the original offset)',
      code: null,
      issues: [],
    };
  }
  if (report.violation) {
    return {
      ...common,
      verdict: 'contract-violation',
      explanation: `the sample breaks the contract of ${describeEvent(report)}: ${report.violation.reason}`,
      code: report.violation.code,
      issues: report.violation.issues,
    };
  }
  // A consumer that failed with a contract error on bytes this build reads runs an older catalog.
  const behind = sample.errorCode?.startsWith('CONTRACTS.')
    ? `; the consumer failed with ${sample.errorCode} all the same, so it likely runs an older contract catalog: upgrade it, then replay`
    : '';
  return {
    ...common,
    verdict: 'not-a-contract-violation',
    explanation: `the sample decodes as ${describeEvent(report)}: ${sample.errorClass} came from the consumer's handler or a dependency, not from the message's contract${behind}`,
    code: null,
    issues: [],
  };
}

function describeEvent(report: ContractReport): string {
  if (report.eventType === null) return 'an event envelope';
  return report.version === null ? report.eventType : `${report.eventType} v${report.version}`;
}
