import { DEFAULT_ROUTES, RouteTable } from '../routing/route-table';
import { DlqConsoleController } from './dlq-console.controller';

const controller = new DlqConsoleController();

describe('the DLQ triage console', () => {
  it('is served by the gateway itself: no route of the table claims /console', () => {
    const routes = new RouteTable(DEFAULT_ROUTES);
    for (const path of ['/console/dlq', '/console/dlq/console.js', '/console/dlq/console.css']) {
      expect(routes.match(path)).toBeUndefined();
    }
  });

  it("runs under helmet's default CSP: no inline script, style or handler, nothing from elsewhere", () => {
    const page = controller.page();
    expect(page).toContain('<script src="/console/dlq/console.js" defer></script>');
    expect(page).toContain('<link rel="stylesheet" href="/console/dlq/console.css" />');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(`${page}${controller.styles()}${controller.script()}`).not.toMatch(
      /https?:\/\/|\/\/[a-z0-9.-]+\//i,
    );
  });

  it('ships a script that parses and never writes API data as HTML', () => {
    const script = controller.script();
    expect(() => new Function(script)).not.toThrow(); // compiles only, runs nothing
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(script).not.toMatch(/localStorage|sessionStorage|document\.cookie/); // the token stays in memory
  });

  it('labels every form field of the page', () => {
    const page = controller.page();
    const ids = [...page.matchAll(/<(?:input|textarea)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['email', 'password', 'filter-topic', 'filter-type', 'reason']);
    for (const id of ids) expect(page).toContain(`<label for="${id}">`);
  });
});
