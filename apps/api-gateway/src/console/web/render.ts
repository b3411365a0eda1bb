import type { DlqEntry, DlqGroup, DlqSummary } from './dlq-api.types';
import { el, linkButton, row } from './dom';
import { age, plural, when } from './format';

/** A row of the groups table; its fingerprint opens the group. */
export function groupRow(g: DlqGroup, open: (event: Event) => void): HTMLTableRowElement {
  const error = el('td', null, 'error-cell');
  error.title = `${g.errorClass}: ${g.errorMessage}`;
  error.append(el('strong', g.errorClass), el('span', g.errorMessage));
  const oldest = el('td', age(g.oldestAgeSeconds));
  oldest.title = `since ${when(g.oldest)}`;
  const tr = row([linkButton(g.fingerprint, `Open group ${g.fingerprint}`, open), g.count, g.topic]);
  tr.cells[1].className = 'number';
  tr.append(el('td', g.eventType || '—', 'name'), el('td', g.consumerGroup || '—', 'name'), error, oldest);
  return tr;
}

/** The line under a group's title: where it failed and how. */
export function groupSummary(g: DlqGroup): string {
  const where = `${g.topic} / ${g.eventType || 'unknown type'} / ${g.consumerGroup || 'no group'}`;
  return `${where} — ${g.errorClass}: ${g.errorMessage}`;
}

/** A row of a group's messages table; its id opens the message. */
export function messageRow(m: DlqSummary, open: (event: Event) => void): HTMLTableRowElement {
  return row([
    linkButton(m.id, `Open message ${m.id}`, open),
    when(m.quarantinedAt),
    m.key === null ? '—' : m.key,
    m.eventId || '—',
    m.failures,
  ]);
}

/** A message's provenance and failure, as the terms and descriptions of a list. */
export function provenance(m: DlqEntry): HTMLElement[] {
  const key = m.key ?? (m.keyBase64 === null ? '(none)' : `base64: ${m.keyBase64}`);
  const code = m.error.code ? ` (${m.error.code})` : '';
  const facts: [string, string | number][] = [
    ['Status', m.status],
    ['Original topic', m.originalTopic],
    ['Partition', m.partition],
    ['Offset', m.offset],
    ['Key', key],
    ['Consumer group', m.consumerGroup || '(unknown: not replayable)'],
    ['Event type', m.eventType || '—'],
    ['Event id', m.eventId || '—'],
    ['Error', `${m.error.class}${code}: ${m.error.message}`],
    ['Reason', m.error.reason],
    ['Attempts', m.error.attempts],
    ['Failures', m.failures],
    ['First failure', when(m.error.firstFailureAt)],
    ['Last failure', when(m.error.lastFailureAt)],
    ['Quarantined', when(m.quarantinedAt)],
    ['Trace id', m.traceId || '—'],
  ];
  return facts.flatMap(([name, value]) => [el('dt', name), el('dd', value)]);
}

/** A message's value as the best it reads: JSON pretty-printed, else text, else base64. */
export function payload(value: DlqEntry['value']): { kind: string; text: string } {
  const described = (kind: string, text: string) => ({
    kind: `(${kind}, ${plural(value.bytes, 'byte')})`,
    text,
  });
  if (value.json !== null && value.json !== undefined) {
    return described('JSON', JSON.stringify(value.json, null, 2));
  }
  if (value.text !== null) return described('text', value.text);
  if (value.base64 !== null) return described('base64, not UTF-8 text', value.base64);
  return described('no value', '');
}

/** A row of a message's headers table: its value as text, or base64 when it is not UTF-8. */
export function headerRow(h: DlqEntry['headers'][number]): HTMLTableRowElement {
  return row([h.name, h.value !== undefined ? h.value : `base64: ${h.base64}`]);
}

/** An item of a message's history: when, what, by whom, why. */
export function historyItem(h: DlqEntry['history'][number]): HTMLLIElement {
  return el(
    'li',
    [when(h.at), h.action, h.by ? `by ${h.by}` : '', h.detail || ''].filter(Boolean).join(' — '),
  );
}
