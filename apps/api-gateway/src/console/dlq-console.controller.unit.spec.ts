import { NotFoundException } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROUTES, RouteTable } from '../routing/route-table';
import { DlqConsoleController } from './dlq-console.controller';
import { findDlqConsoleDir } from './dlq-console.files';

// The console's sources: the build copies index.html and console.css as they are, and bundles
// the TypeScript into console.js (the browser test in e2e/ runs the built page).
const WEB = join(__dirname, 'web');
const source = (name: string) => readFileSync(join(WEB, name), 'utf8');
const page = source('index.html');
const styles = source('console.css');
const scripts = readdirSync(WEB)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: source(name) }));

describe('the DLQ triage console', () => {
  it('is served by the gateway itself: no route of the table claims /console', () => {
    const routes = new RouteTable(DEFAULT_ROUTES);
    for (const path of ['/console/dlq', '/console/dlq/console.js', '/console/dlq/console.css']) {
      expect(routes.match(path)).toBeUndefined();
    }
  });

  it("runs under helmet's default CSP: no inline script, style or handler, nothing from elsewhere", () => {
    expect(page).toContain('<script src="/console/dlq/console.js" defer></script>');
    expect(page).toContain('<link rel="stylesheet" href="/console/dlq/console.css" />');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const text of [page, styles, ...scripts.map((s) => s.text)]) {
      expect(text).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\//i);
    }
  });

  it('has a script that never writes API data as HTML and keeps the token in memory', () => {
    expect(scripts.map((s) => s.name)).toContain('console.ts');
    for (const { text } of scripts) {
      expect(text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      expect(text).not.toMatch(/localStorage|sessionStorage|document\.cookie/);
    }
  });

  it('labels every form field of the page', () => {
    const ids = [...page.matchAll(/<(?:input|textarea)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['email', 'password', 'filter-topic', 'filter-type', 'reason']);
    for (const id of ids) expect(page).toContain(`<label for="${id}">`);
  });

  it('serves the files of its folder, and says how to build them when they are missing', async () => {
    const controller = new DlqConsoleController(WEB);
    expect(await controller.page()).toBe(page);
    expect(await controller.styles()).toBe(styles);
    // The sources have no console.js: only the build makes it.
    await expect(controller.script()).rejects.toThrow(NotFoundException);
    await expect(controller.script()).rejects.toThrow(/nx build api-gateway/);
  });

  it('serves from the first folder that holds the page', () => {
    expect(findDlqConsoleDir(['/nonexistent/console', WEB])).toBe(WEB);
    expect(findDlqConsoleDir(['/nonexistent/a', '/nonexistent/b'])).toBe('/nonexistent/a');
  });
});
