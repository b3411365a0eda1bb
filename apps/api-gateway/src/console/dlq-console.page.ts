/**
 * The page of the DLQ triage console (GET /console/dlq). Static: no data, no inline script or
 * style (both are same-origin files, see DlqConsoleController), nothing fetched from elsewhere.
 * The views are sections the script shows one at a time; every control has a label or a name a
 * screen reader (and a test) can find it by.
 */
export const DLQ_CONSOLE_HTML = String.raw`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>DLQ triage console</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/console/dlq/console.css" />
    <script src="/console/dlq/console.js" defer></script>
  </head>
  <body>
    <header class="bar">
      <h1>DLQ triage console</h1>
      <div id="session" hidden>
        <span id="who"></span>
        <button type="button" id="sign-out">Sign out</button>
      </div>
    </header>
    <main>
      <p id="status" role="status" aria-live="polite"></p>
      <div id="error" role="alert" hidden></div>

      <section id="sign-in" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <p class="hint">For admins: the quarantine of every service's dead letters.</p>
        <form id="sign-in-form" class="stack">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit" class="primary">Sign in</button>
        </form>
      </section>

      <section id="groups-view" aria-labelledby="groups-title" hidden>
        <div class="heading">
          <h2 id="groups-title">Quarantine by kind of failure</h2>
          <button type="button" id="refresh">Refresh</button>
        </div>
        <form id="filter-form" class="filters" role="search" aria-label="Filter the groups">
          <label for="filter-topic">Topic</label>
          <input id="filter-topic" name="topic" placeholder="order.events" />
          <label for="filter-type">Event type</label>
          <input id="filter-type" name="type" placeholder="OrderPlaced" />
          <button type="submit">Filter</button>
          <span class="hint">Largest groups first, at most 200.</span>
        </form>
        <p id="groups-empty" hidden></p>
        <table id="groups-table" aria-labelledby="groups-title">
          <thead>
            <tr>
              <th scope="col">Group (fingerprint)</th>
              <th scope="col">Messages</th>
              <th scope="col">Topic</th>
              <th scope="col">Event type</th>
              <th scope="col">Consumer group</th>
              <th scope="col">Error</th>
              <th scope="col">Oldest</th>
            </tr>
          </thead>
          <tbody></tbody>
        </table>
      </section>

      <section id="group-view" aria-labelledby="group-title" hidden>
        <div class="heading">
          <h2 id="group-title">Group</h2>
          <div class="actions">
            <button type="button" id="back-to-groups">Back to groups</button>
            <button type="button" id="replay-group" class="primary">Replay group</button>
            <button type="button" id="discard-group" class="danger">Discard group</button>
          </div>
        </div>
        <p id="group-summary" class="summary"></p>
        <p id="group-more" class="hint" hidden>Only the newest 200 are listed; group actions take them all.</p>
        <table id="messages-table" aria-labelledby="group-title">
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Quarantined</th>
              <th scope="col">Key</th>
              <th scope="col">Event id</th>
              <th scope="col">Failures</th>
            </tr>
          </thead>
          <tbody></tbody>
        </table>
      </section>

      <section id="message-view" aria-labelledby="message-title" hidden>
        <div class="heading">
          <h2 id="message-title">Message</h2>
          <div class="actions">
            <button type="button" id="back-to-group">Back to group</button>
            <button type="button" id="replay-message" class="primary">Replay message</button>
            <button type="button" id="discard-message" class="danger">Discard message</button>
          </div>
        </div>
        <h3 id="provenance-title">Provenance and failure</h3>
        <dl id="provenance" aria-labelledby="provenance-title"></dl>
        <h3 id="payload-title">Payload <span id="payload-kind" class="hint"></span></h3>
        <pre id="payload" tabindex="0" aria-labelledby="payload-title"></pre>
        <h3 id="headers-title">Headers</h3>
        <table id="headers-table" aria-labelledby="headers-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody></tbody>
        </table>
        <h3 id="history-title">History</h3>
        <ol id="history" aria-labelledby="history-title"></ol>
      </section>
    </main>

    <dialog id="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-text">
      <form id="confirm-form" class="stack">
        <h2 id="confirm-title">Confirm</h2>
        <p id="confirm-text"></p>
        <div id="reason-field" class="stack" hidden>
          <label for="reason">Reason</label>
          <textarea id="reason" name="reason" rows="3" maxlength="500"></textarea>
        </div>
        <div class="actions">
          <button type="button" id="confirm-cancel">Cancel</button>
          <button type="submit" id="confirm-ok" class="primary">Confirm</button>
        </div>
      </form>
    </dialog>
  </body>
</html>
`;
