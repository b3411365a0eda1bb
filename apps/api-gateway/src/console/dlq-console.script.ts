/**
 * The script of the DLQ triage console (GET /console/dlq/console.js), plain browser JavaScript
 * with no build step. It calls the gateway's own routes (/auth/login, /admin/dlq/...) with the
 * admin's access token, kept in a variable only: gone with the tab, never in storage a script
 * of another page could read. Everything from the API is written with textContent, never as
 * HTML: a quarantined payload is whatever bytes someone produced.
 */
export const DLQ_CONSOLE_SCRIPT = String.raw`'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const VIEWS = ['sign-in', 'groups-view', 'group-view', 'message-view'];
  let token = null;
  let email = null;
  let group = null; // the group shown: its row of GET /admin/dlq/groups, and how many are listed
  let message = null; // the entry shown, as GET /admin/dlq/messages/:id answers it

  /** An API answer that is not 2xx, with its problem (RFC 9457) or a stand-in. */
  class ApiError extends Error {
    constructor(status, problem) {
      super(problem.detail ? problem.title + ': ' + problem.detail : problem.title);
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(method, path, body) {
    const headers = { accept: 'application/json, application/problem+json' };
    if (token) headers.authorization = 'Bearer ' + token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const isJson = (res.headers.get('content-type') || '').includes('json');
    const data = isJson ? await res.json().catch(() => null) : null;
    if (!res.ok) {
      throw new ApiError(res.status, data && data.title ? data : { title: res.status + ' ' + res.statusText });
    }
    return data;
  }

  // ---- small DOM helpers -------------------------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells) {
    const tr = el('tr');
    for (const cell of cells) {
      if (cell instanceof Node) {
        const td = el('td');
        td.append(cell);
        tr.append(td);
      } else tr.append(el('td', cell));
    }
    return tr;
  }

  function button(label, onClick, ariaLabel) {
    const node = el('button', label, 'link');
    node.type = 'button';
    if (ariaLabel) node.setAttribute('aria-label', ariaLabel);
    node.addEventListener('click', handler(onClick));
    return node;
  }

  function show(view) {
    for (const id of VIEWS) $(id).hidden = id !== view;
  }

  function say(text) {
    $('status').textContent = text;
  }

  function age(seconds) {
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h';
    return Math.floor(seconds / 86400) + ' d';
  }

  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  // ---- errors ------------------------------------------------------------------------------

  function showError(heading, text, code) {
    const box = $('error');
    box.replaceChildren(el('strong', heading));
    if (text) box.append(' ' + text);
    if (code) box.append(el('code', code));
    box.hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error').replaceChildren();
  }

  function fail(error) {
    if (!(error instanceof ApiError)) return showError('Request failed:', error.message);
    const problem = error.problem;
    if (error.status === 403 && token) {
      forget();
      return showError(
        'Admin only.',
        'This console is for admins; ' + email + ' is not one. (' + error.message + ')',
        problem.code,
      );
    }
    if (error.status === 401 && token) {
      forget();
      return showError('Signed out:', 'your session ended, sign in again. (' + error.message + ')', problem.code);
    }
    showError(problem.title + (problem.detail ? ':' : ''), problem.detail, problem.code);
  }

  /** Wraps a UI action: clears the last error, shows the next one, marks the page busy meanwhile. */
  function handler(action) {
    return async (event) => {
      if (event && event.type === 'submit') event.preventDefault();
      clearError();
      document.body.setAttribute('aria-busy', 'true');
      try {
        await action(event);
      } catch (error) {
        fail(error);
      } finally {
        document.body.removeAttribute('aria-busy');
      }
    };
  }

  // ---- confirmation dialog ------------------------------------------------------------------

  let settle = null;

  /** Asks in the page's dialog; resolves to { reason } when confirmed, null when cancelled. */
  function confirmAction(title, text, action, askReason) {
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = action;
    $('confirm-ok').className = askReason ? 'danger' : 'primary';
    $('reason-field').hidden = !askReason;
    $('reason').required = askReason;
    $('reason').value = '';
    $('confirm').showModal();
    (askReason ? $('reason') : $('confirm-ok')).focus();
    return new Promise((resolve) => (settle = resolve));
  }

  function answer(value) {
    const resolve = settle;
    settle = null;
    if ($('confirm').open) $('confirm').close();
    if (resolve) resolve(value);
  }

  $('confirm-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = $('reason').value.trim();
    if ($('reason').required && !reason) {
      $('reason').setCustomValidity('A reason is required.');
      $('reason').reportValidity();
      return;
    }
    answer({ reason });
  });
  $('reason').addEventListener('input', () => $('reason').setCustomValidity(''));
  $('confirm-cancel').addEventListener('click', () => answer(null));
  // Escape closes the dialog without our buttons: that is a cancel too.
  $('confirm').addEventListener('close', () => answer(null));

  // ---- session -----------------------------------------------------------------------------

  function forget() {
    if (token) api('POST', '/auth/logout').catch(() => undefined); // best effort: revoke the session
    token = null;
    group = null;
    message = null;
    $('session').hidden = true;
    say('');
    show('sign-in');
  }

  $('sign-in-form').addEventListener(
    'submit',
    handler(async () => {
      const tokens = await api('POST', '/auth/login', {
        email: $('email').value.trim(),
        password: $('password').value,
      });
      $('password').value = '';
      token = tokens.accessToken;
      email = $('email').value.trim();
      $('who').textContent = email;
      $('session').hidden = false;
      await showGroups();
    }),
  );

  $('sign-out').addEventListener(
    'click',
    handler(async () => {
      forget();
      say('Signed out.');
    }),
  );

  // ---- groups ------------------------------------------------------------------------------

  async function showGroups() {
    const query = new URLSearchParams();
    for (const [name, id] of [['topic', 'filter-topic'], ['type', 'filter-type']]) {
      if ($(id).value.trim()) query.set(name, $(id).value.trim());
    }
    const filtered = query.size > 0;
    const { items } = await api('GET', '/admin/dlq/groups' + (filtered ? '?' + query : ''));
    $('groups-table').tBodies[0].replaceChildren(...items.map(groupRow));
    $('groups-table').hidden = items.length === 0;
    $('groups-empty').hidden = items.length > 0;
    $('groups-empty').textContent = filtered ? 'No quarantined message matches the filter.' : 'Nothing in quarantine.';
    group = null;
    message = null;
    show('groups-view');
  }

  function groupRow(g) {
    const error = el('td', null, 'error-cell');
    error.title = g.errorClass + ': ' + g.errorMessage;
    error.append(el('strong', g.errorClass), el('span', g.errorMessage));
    const oldest = el('td', age(g.oldestAgeSeconds));
    oldest.title = 'since ' + when(g.oldest);
    const tr = row([
      button(g.fingerprint, () => openGroup(g), 'Open group ' + g.fingerprint),
      g.count,
      g.topic,
    ]);
    tr.cells[1].className = 'number';
    tr.append(el('td', g.eventType || '—', 'name'), el('td', g.consumerGroup || '—', 'name'), error, oldest);
    return tr;
  }

  /** The quarantined messages of a group, given its row of GET /admin/dlq/groups. */
  async function openGroup(g) {
    const page = await api('GET', '/admin/dlq/messages?limit=200&fingerprint=' + encodeURIComponent(g.fingerprint));
    if (page.items.length === 0) {
      await showGroups();
      return say('Group ' + g.fingerprint + ' has no quarantined message left.');
    }
    group = { ...g, shown: page.items.length + (page.nextCursor ? '+' : '') };
    $('group-title').textContent = 'Group ' + g.fingerprint + ' (' + group.shown + ' quarantined)';
    $('group-summary').textContent =
      g.topic + ' / ' + (g.eventType || 'unknown type') + ' / ' + (g.consumerGroup || 'no group') +
      ' — ' + g.errorClass + ': ' + g.errorMessage;
    $('group-more').hidden = !page.nextCursor;
    $('messages-table').tBodies[0].replaceChildren(
      ...page.items.map((m) =>
        row([
          button(m.id, () => openMessage(m.id), 'Open message ' + m.id),
          when(m.quarantinedAt),
          m.key === null ? '—' : m.key,
          m.eventId || '—',
          m.failures,
        ]),
      ),
    );
    message = null;
    show('group-view');
  }

  $('refresh').addEventListener('click', handler(showGroups));
  $('filter-form').addEventListener('submit', handler(showGroups));
  $('back-to-groups').addEventListener('click', handler(showGroups));

  $('replay-group').addEventListener(
    'click',
    handler(async () => {
      const g = group;
      const ok = await confirmAction(
        'Replay group',
        'Replay every quarantined message of group ' + g.fingerprint + ' (' + g.shown + '), oldest first, ' +
          'each to the consumer group that failed on it?',
        'Replay group',
        false,
      );
      if (!ok) return;
      const outcome = await api('POST', '/admin/dlq/groups/' + g.fingerprint + '/replay');
      await showGroups();
      say(report('Replayed', outcome));
    }),
  );

  $('discard-group').addEventListener(
    'click',
    handler(async () => {
      const g = group;
      const ok = await confirmAction(
        'Discard group',
        'Discard every quarantined message of group ' + g.fingerprint + ' (' + g.shown + ')' +
          '? They stay recorded, with your reason, but are never replayed.',
        'Discard group',
        true,
      );
      if (!ok) return;
      const outcome = await api('POST', '/admin/dlq/groups/' + g.fingerprint + '/discard', { reason: ok.reason });
      await showGroups();
      say(report('Discarded', outcome));
    }),
  );

  function report(verb, outcome) {
    const failed = outcome.failed.length
      ? '; ' + outcome.failed.length + ' failed (' + outcome.failed[0].id + ': ' + outcome.failed[0].error + ')'
      : '';
    return verb + ' ' + plural(outcome.done.length, 'message') + ' of group ' + outcome.fingerprint + failed + '.';
  }

  // ---- one message -------------------------------------------------------------------------

  async function openMessage(id) {
    message = await api('GET', '/admin/dlq/messages/' + encodeURIComponent(id));
    const m = message;
    $('message-title').textContent = 'Message ' + m.id;
    const facts = [
      ['Status', m.status],
      ['Original topic', m.originalTopic],
      ['Partition', m.partition],
      ['Offset', m.offset],
      ['Key', m.key === null ? (m.keyBase64 === null ? '(none)' : 'base64: ' + m.keyBase64) : m.key],
      ['Consumer group', m.consumerGroup || '(unknown: not replayable)'],
      ['Event type', m.eventType || '—'],
      ['Event id', m.eventId || '—'],
      ['Error', m.error.class + (m.error.code ? ' (' + m.error.code + ')' : '') + ': ' + m.error.message],
      ['Reason', m.error.reason],
      ['Attempts', m.error.attempts],
      ['Failures', m.failures],
      ['First failure', when(m.error.firstFailureAt)],
      ['Last failure', when(m.error.lastFailureAt)],
      ['Quarantined', when(m.quarantinedAt)],
      ['Trace id', m.traceId || '—'],
    ];
    $('provenance').replaceChildren(...facts.flatMap(([name, value]) => [el('dt', name), el('dd', value)]));
    const value = m.value;
    const [kind, text] =
      value.json !== null && value.json !== undefined
        ? ['JSON', JSON.stringify(value.json, null, 2)]
        : value.text !== null
          ? ['text', value.text]
          : value.base64 !== null
            ? ['base64, not UTF-8 text', value.base64]
            : ['no value', ''];
    $('payload-kind').textContent = '(' + kind + ', ' + plural(value.bytes, 'byte') + ')';
    $('payload').textContent = text;
    $('headers-table').tBodies[0].replaceChildren(
      ...m.headers.map((h) => row([h.name, h.value !== undefined ? h.value : 'base64: ' + h.base64])),
    );
    $('history').replaceChildren(
      ...m.history.map((h) =>
        el('li', [when(h.at), h.action, h.by ? 'by ' + h.by : '', h.detail || ''].filter(Boolean).join(' — ')),
      ),
    );
    const open = m.status === 'quarantined';
    $('replay-message').disabled = !open || !m.consumerGroup;
    $('discard-message').disabled = !open;
    show('message-view');
  }

  /** Back to the message's group after an action; to the groups when the group is empty now. */
  async function afterMessageAction(text) {
    await openGroup(group);
    say(text);
  }

  $('back-to-group').addEventListener('click', handler(() => openGroup(group)));

  $('replay-message').addEventListener(
    'click',
    handler(async () => {
      const m = message;
      const ok = await confirmAction(
        'Replay message',
        'Replay ' + m.id + ' to ' + m.consumerGroup + ' (through ' + m.topic + '.retry)?',
        'Replay message',
        false,
      );
      if (!ok) return;
      const entry = await api('POST', '/admin/dlq/messages/' + encodeURIComponent(m.id) + '/replay');
      await afterMessageAction('Replayed message ' + entry.id + ' to ' + entry.consumerGroup + '.');
    }),
  );

  $('discard-message').addEventListener(
    'click',
    handler(async () => {
      const m = message;
      const ok = await confirmAction(
        'Discard message',
        'Discard ' + m.id + '? It stays recorded, with your reason, but is never replayed.',
        'Discard message',
        true,
      );
      if (!ok) return;
      const entry = await api('POST', '/admin/dlq/messages/' + encodeURIComponent(m.id) + '/discard', {
        reason: ok.reason,
      });
      await afterMessageAction('Discarded message ' + entry.id + '.');
    }),
  );

  show('sign-in');
})();
`;
