import type { DlqGroupOutcome } from './dlq-api.types';

/** An age in its largest whole unit: `42 s`, `5 min`, `3 h`, `2 d`. */
export function age(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

/** An ISO time in the browser's locale; a dash when there is none. */
export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** `1 message`, `2 messages`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The status line after a group action: how many, and the first failure if any failed. */
export function outcomeText(verb: string, outcome: DlqGroupOutcome): string {
  const [first] = outcome.failed;
  const failed = first ? `; ${outcome.failed.length} failed (${first.id}: ${first.error})` : '';
  return `${verb} ${plural(outcome.done.length, 'message')} of group ${outcome.fingerprint}${failed}.`;
}
