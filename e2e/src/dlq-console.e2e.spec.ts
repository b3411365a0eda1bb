import { eventually, infraEnv } from '@platform/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  type DlqEntry,
  type DlqEntryDetail,
  messagesOfType as entriesOfType,
  quarantinePoison as quarantineProbe,
} from './quarantine.spec-helper';
import { startSystem, type RunningSystem, type User } from './whole-system.spec-helper';

/** Debian's chromium: tools/dev/ensure-browser.sh installs it. */
const CHROMIUM = '/usr/bin/chromium';

type DlqGroup = { fingerprint: string; count: number; errorClass: string; errorMessage: string };

// The triage console as an admin uses it: the page the gateway serves, in headless Chromium,
// over dlq-consumer's admin API, on the six built apps as real processes.
describe('the DLQ triage console in headless Chromium (six built apps, real servers)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let producer: Producer;
  let admin: User;
  let customer: User;
  const pages: Page[] = [];
  /** What the browser refused or threw (CSP violations, script errors): none expected. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    // A missing browser fails every test with what to run; it never skips them.
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: run tools/dev/ensure-browser.sh (installs Debian's chromium)`);
    }
    // Each is kept as soon as it is up: when the other fails, afterAll still stops it (a browser
    // left running would keep jest from exiting).
    await Promise.all([
      startSystem().then((started) => (system = started)),
      chromium.launch({ executablePath: CHROMIUM, headless: true }).then((launched) => (browser = launched)),
    ]);
    producer = new Kafka({
      clientId: 'e2e-dlq-console',
      brokers: infraEnv.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    [admin, customer] = await Promise.all([
      system.register({ roles: ['customer', 'admin'] }),
      system.register(),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(pages.map((page) => page.close()));
    await browser?.close();
    await producer?.disconnect();
    await system?.stop();
  });

  afterEach(() => {
    expect(pageProblems).toEqual([]);
  });

  const api = async <T>(path: string): Promise<T> => {
    const res = await system.call(path, { token: admin.token });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  const messagesOfType = (type: string, status: string) => entriesOfType(system, admin.token, type, status);
  const inspect = (id: string) => api<DlqEntryDetail>(`/admin/dlq/messages/${encodeURIComponent(id)}`);

  /** The console in a fresh browser page. */
  const openConsole = async (): Promise<Page> => {
    const page = await browser.newPage();
    pages.push(page);
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Refused to|Content Security Policy/i.test(message.text())) pageProblems.push(message.text());
    });
    const res = await page.goto(`${system.gateway.url}/console/dlq`);
    expect(res?.status()).toBe(200);
    return page;
  };
  const signIn = async (page: Page, user: User, password = user.password) => {
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  const quarantinePoison = () =>
    quarantineProbe(system, producer, admin.token, 'not an envelope: a poison for the triage console');

  it("serves the built page, script and styles with their types, revalidated, under helmet's CSP", async () => {
    for (const [path, type] of [
      ['/console/dlq', 'text/html; charset=utf-8'],
      ['/console/dlq/console.js', 'text/javascript; charset=utf-8'],
      ['/console/dlq/console.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await system.call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
      // Unchanged since the browser's last load: a 304 with no body. (fetch adds `cache-control:
      // no-cache` to a conditional request unless it has one, and Express never answers 304 to that.)
      const headers = { 'if-none-match': res.headers.get('etag') as string, 'cache-control': 'max-age=0' };
      expect((await system.call(path, { headers })).status).toBe(304);
    }
  });

  it('groups a poison message by its failure, shows its payload and provenance, replays it and discards its group', async () => {
    const { type, body, entries } = await quarantinePoison();
    // The same failure in two consumer groups is one kind of failure: one fingerprint.
    expect(new Set(entries.map((e) => e.fingerprint)).size).toBe(1);
    const { fingerprint, error } = entries[0] as DlqEntry;
    expect(error.reason).toBe('decode');

    const page = await openConsole();
    await signIn(page, admin);

    // The quarantine by kind of failure, filtered to this run's probe: one row, with its count.
    await page.getByRole('heading', { name: 'Quarantine by kind of failure' }).waitFor();
    await page.getByLabel('Event type').fill(type);
    await page.getByRole('button', { name: 'Filter' }).click();
    const groupRow = page.getByRole('row').filter({ hasText: type });
    await eventually(async () => expect(await page.getByRole('row').count()).toBe(2)); // header, group
    const cells = await groupRow.getByRole('cell').allTextContents();
    expect(cells.slice(0, 4)).toEqual([fingerprint, String(entries.length), 'order.events', type]);
    expect(cells[5]).toContain(error.class);
    expect(cells[6]).toMatch(/^\d+ (s|min)$/);

    // Its messages, then one message: pretty-printed payload and its provenance.
    await page.getByRole('button', { name: `Open group ${fingerprint}` }).click();
    const entry = entries[0] as DlqEntry;
    await page.getByRole('button', { name: `Open message ${entry.id}` }).click();
    await page.getByRole('heading', { name: `Message ${entry.id}` }).waitFor();
    expect(await page.getByLabel(/^Payload/).textContent()).toBe(JSON.stringify(body, null, 2));
    expect(await page.getByRole('heading', { name: /^Payload/ }).textContent()).toContain('JSON');
    const provenance = await page.getByLabel('Provenance and failure').textContent();
    for (const fact of [
      'order.events',
      String(entry.partition),
      entry.offset,
      entry.consumerGroup as string,
      body.id,
      'decode',
      error.class,
    ]) {
      expect(provenance).toContain(fact);
    }
    expect(await page.getByLabel('History').textContent()).toContain('quarantined');

    // Replay it, confirmed in the page's dialog: it goes to its group, fails again (it is still
    // no envelope) and comes back to its entry, not as a new one.
    await page.getByRole('button', { name: 'Replay message' }).click();
    const replayDialog = page.getByRole('dialog', { name: 'Replay message' });
    await replayDialog.getByRole('button', { name: 'Replay message' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Replayed message ${entry.id} to ${entry.consumerGroup}.` })
      .waitFor();
    await eventually(
      async () => expect((await inspect(entry.id)).history.map((h) => h.action)).toContain('failed-again'),
      { timeoutMs: 30_000 },
    );
    // Its 'replayed' mark and its 'failed-again' record land within milliseconds: whatever the
    // store made of that race, the group action below takes what is quarantined now.
    const quarantined = await messagesOfType(type, 'quarantined');
    expect(quarantined.length).toBeGreaterThan(0);

    // A reload forgets the session (the token lived in memory only); signed in again, the
    // group is discarded with a reason and leaves the quarantine.
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, admin);
    await page.getByLabel('Event type').fill(type);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('button', { name: `Open group ${fingerprint}` }).click();
    await page.getByRole('button', { name: 'Discard group' }).click();
    const discardDialog = page.getByRole('dialog', { name: 'Discard group' });
    await discardDialog.getByLabel('Reason').fill('not an envelope: written by the console test');
    await discardDialog.getByRole('button', { name: 'Discard group' }).click();
    const n = quarantined.length;
    await page
      .getByRole('status')
      .filter({ hasText: `Discarded ${n} message${n === 1 ? '' : 's'} of group ${fingerprint}.` })
      .waitFor();
    await page.getByRole('heading', { name: 'Quarantine by kind of failure' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: type }).count()).toBe(0);

    // The API agrees: those entries are discarded, with who and why in their history.
    expect(await messagesOfType(type, 'quarantined')).toEqual([]);
    const discarded = await messagesOfType(type, 'discarded');
    expect(discarded.map((e) => e.id).sort()).toEqual(quarantined.map((e) => e.id).sort());
    for (const { id } of discarded) {
      expect((await inspect(id)).history.at(-1)).toMatchObject({
        action: 'discarded',
        by: admin.userId,
        detail: 'not an envelope: written by the console test',
      });
    }
    const groups = await api<{ items: DlqGroup[] }>('/admin/dlq/groups');
    expect(groups.items.map((g) => g.fingerprint)).not.toContain(fingerprint);
  });

  it('shows API problems, and tells a customer that the console is for admins only', async () => {
    const page = await openConsole();
    const alert = page.getByRole('alert');

    await signIn(page, customer, 'not the password');
    await alert.filter({ hasText: 'Invalid credentials' }).waitFor();
    expect(await alert.textContent()).toContain('AUTH.INVALID_CREDENTIALS');

    await signIn(page, customer);
    await alert.filter({ hasText: 'Admin only.' }).waitFor();
    expect(await alert.textContent()).toContain(`${customer.email} is not one`);
    expect(await alert.textContent()).toContain('GATEWAY.FORBIDDEN');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Quarantine by kind of failure' }).isVisible()).toBe(
      false,
    );
  });
});
