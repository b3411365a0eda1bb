// The DLQ triage console's script (GET /console/dlq/console.js, bundled from this file and its
// imports by apps/api-gateway/webpack.config.js). It shows one view at a time, calls the API
// through ConsoleApi and writes what it answers as text only (see dom.ts).
import { ApiError, ConsoleApi } from './api-client';
import { ConfirmDialog } from './confirm-dialog';
import type { DlqEntry, DlqGroup } from './dlq-api.types';
import { byId, el } from './dom';
import { outcomeText } from './format';
import { groupRow, groupSummary, headerRow, historyItem, messageRow, payload, provenance } from './render';

type View = 'sign-in' | 'groups-view' | 'group-view' | 'message-view';
const VIEWS: readonly View[] = ['sign-in', 'groups-view', 'group-view', 'message-view'];

/** The group shown: its row of the groups, and how many of its messages are listed (`200+`). */
type ShownGroup = DlqGroup & { shown: string };

const api = new ConsoleApi();
const confirmDialog = new ConfirmDialog();
let email = '';
let group: ShownGroup | null = null;
let message: DlqEntry | null = null;

const input = (id: string) => byId(id, HTMLInputElement);
const button = (id: string) => byId(id, HTMLButtonElement);
const text = (id: string) => byId(id, HTMLElement);
const tbody = (id: string) => byId(id, HTMLTableElement).tBodies[0];

function show(view: View): void {
  for (const id of VIEWS) text(id).hidden = id !== view;
}

function say(status: string): void {
  text('status').textContent = status;
}

// ---- errors --------------------------------------------------------------------------------

function showError(heading: string, detail?: string, code?: string): void {
  const box = text('error');
  box.replaceChildren(el('strong', heading));
  if (detail) box.append(` ${detail}`);
  if (code) box.append(el('code', code));
  box.hidden = false;
}

function clearError(): void {
  text('error').hidden = true;
  text('error').replaceChildren();
}

function fail(error: unknown): void {
  if (!(error instanceof ApiError)) {
    return showError('Request failed:', error instanceof Error ? error.message : String(error));
  }
  const { problem } = error;
  if (error.status === 403 && api.signedIn) {
    forget();
    const detail = `This console is for admins; ${email} is not one. (${error.message})`;
    return showError('Admin only.', detail, problem.code);
  }
  if (error.status === 401 && api.signedIn) {
    forget();
    return showError('Signed out:', `your session ended, sign in again. (${error.message})`, problem.code);
  }
  showError(problem.title + (problem.detail ? ':' : ''), problem.detail, problem.code);
}

/** A listener for a UI action: clears the last error, shows the next one, marks the page busy meanwhile. */
function handler(action: () => Promise<unknown>): (event: Event) => void {
  const run = async () => {
    try {
      await action();
    } catch (error) {
      fail(error);
    } finally {
      document.body.removeAttribute('aria-busy');
    }
  };
  return (event) => {
    if (event.type === 'submit') event.preventDefault();
    clearError();
    document.body.setAttribute('aria-busy', 'true');
    void run();
  };
}

// ---- session -------------------------------------------------------------------------------

function forget(): void {
  api.signOut();
  group = null;
  message = null;
  text('session').hidden = true;
  say('');
  show('sign-in');
}

async function signIn(): Promise<void> {
  await api.signIn(input('email').value.trim(), input('password').value);
  input('password').value = '';
  email = input('email').value.trim();
  text('who').textContent = email;
  text('session').hidden = false;
  await showGroups();
}

// ---- groups --------------------------------------------------------------------------------

async function showGroups(): Promise<void> {
  const filter = new URLSearchParams();
  for (const [name, id] of [
    ['topic', 'filter-topic'],
    ['type', 'filter-type'],
  ] as const) {
    if (input(id).value.trim()) filter.set(name, input(id).value.trim());
  }
  const { items } = await api.groups(filter);
  tbody('groups-table').replaceChildren(
    ...items.map((g) =>
      groupRow(
        g,
        handler(() => openGroup(g)),
      ),
    ),
  );
  text('groups-table').hidden = items.length === 0;
  text('groups-empty').hidden = items.length > 0;
  text('groups-empty').textContent =
    filter.size > 0 ? 'No quarantined message matches the filter.' : 'Nothing in quarantine.';
  group = null;
  message = null;
  show('groups-view');
}

/** The quarantined messages of a group, given its row of the groups. */
async function openGroup(g: DlqGroup): Promise<void> {
  const page = await api.messagesOf(g.fingerprint);
  if (page.items.length === 0) {
    await showGroups();
    return say(`Group ${g.fingerprint} has no quarantined message left.`);
  }
  group = { ...g, shown: `${page.items.length}${page.nextCursor ? '+' : ''}` };
  text('group-title').textContent = `Group ${g.fingerprint} (${group.shown} quarantined)`;
  text('group-summary').textContent = groupSummary(g);
  text('group-more').hidden = !page.nextCursor;
  tbody('messages-table').replaceChildren(
    ...page.items.map((m) =>
      messageRow(
        m,
        handler(() => openMessage(m.id)),
      ),
    ),
  );
  message = null;
  show('group-view');
}

async function replayGroup(g: ShownGroup): Promise<void> {
  const ok = await confirmDialog.ask(
    'Replay group',
    `Replay every quarantined message of group ${g.fingerprint} (${g.shown}), oldest first, ` +
      'each to the consumer group that failed on it?',
    'Replay group',
    false,
  );
  if (!ok) return;
  const outcome = await api.replayGroup(g.fingerprint);
  await showGroups();
  say(outcomeText('Replayed', outcome));
}

async function discardGroup(g: ShownGroup): Promise<void> {
  const ok = await confirmDialog.ask(
    'Discard group',
    `Discard every quarantined message of group ${g.fingerprint} (${g.shown})` +
      '? They stay recorded, with your reason, but are never replayed.',
    'Discard group',
    true,
  );
  if (!ok) return;
  const outcome = await api.discardGroup(g.fingerprint, ok.reason);
  await showGroups();
  say(outcomeText('Discarded', outcome));
}

// ---- one message ---------------------------------------------------------------------------

async function openMessage(id: string): Promise<void> {
  const m = await api.message(id);
  message = m;
  text('message-title').textContent = `Message ${m.id}`;
  text('provenance').replaceChildren(...provenance(m));
  const { kind, text: value } = payload(m.value);
  text('payload-kind').textContent = kind;
  text('payload').textContent = value;
  tbody('headers-table').replaceChildren(...m.headers.map(headerRow));
  text('history').replaceChildren(...m.history.map(historyItem));
  const open = m.status === 'quarantined';
  button('replay-message').disabled = !open || !m.consumerGroup;
  button('discard-message').disabled = !open;
  show('message-view');
}

/** Back to the message's group after an action; to the groups when the group is empty now. */
async function afterMessageAction(g: ShownGroup, status: string): Promise<void> {
  await openGroup(g);
  say(status);
}

async function replayMessage(g: ShownGroup, m: DlqEntry): Promise<void> {
  const ok = await confirmDialog.ask(
    'Replay message',
    `Replay ${m.id} to ${m.consumerGroup} (through ${m.topic}.retry)?`,
    'Replay message',
    false,
  );
  if (!ok) return;
  const entry = await api.replayMessage(m.id);
  await afterMessageAction(g, `Replayed message ${entry.id} to ${entry.consumerGroup}.`);
}

async function discardMessage(g: ShownGroup, m: DlqEntry): Promise<void> {
  const ok = await confirmDialog.ask(
    'Discard message',
    `Discard ${m.id}? It stays recorded, with your reason, but is never replayed.`,
    'Discard message',
    true,
  );
  if (!ok) return;
  const entry = await api.discardMessage(m.id, ok.reason);
  await afterMessageAction(g, `Discarded message ${entry.id}.`);
}

// ---- wiring --------------------------------------------------------------------------------

/** The group shown: the buttons that need one are only on views that have one. */
function shownGroup(): ShownGroup {
  if (!group) throw new Error('no group is shown');
  return group;
}

function shownMessage(): DlqEntry {
  if (!message) throw new Error('no message is shown');
  return message;
}

byId('sign-in-form', HTMLFormElement).addEventListener('submit', handler(signIn));
button('sign-out').addEventListener(
  'click',
  handler(async () => {
    forget();
    say('Signed out.');
  }),
);
button('refresh').addEventListener('click', handler(showGroups));
byId('filter-form', HTMLFormElement).addEventListener('submit', handler(showGroups));
button('back-to-groups').addEventListener('click', handler(showGroups));
button('replay-group').addEventListener(
  'click',
  handler(() => replayGroup(shownGroup())),
);
button('discard-group').addEventListener(
  'click',
  handler(() => discardGroup(shownGroup())),
);
button('back-to-group').addEventListener(
  'click',
  handler(() => openGroup(shownGroup())),
);
button('replay-message').addEventListener(
  'click',
  handler(() => replayMessage(shownGroup(), shownMessage())),
);
button('discard-message').addEventListener(
  'click',
  handler(() => discardMessage(shownGroup(), shownMessage())),
);

show('sign-in');
