import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DLQ_CONSOLE_HTML } from './dlq-console.page';
import { DLQ_CONSOLE_SCRIPT } from './dlq-console.script';
import { DLQ_CONSOLE_STYLES } from './dlq-console.styles';

/**
 * The DLQ triage console: a static page for admins over dlq-consumer's admin API (`/admin/dlq`).
 * Public on purpose: the page and its assets carry no data; every call the page makes carries
 * the admin's bearer token and is checked by the proxy like any client's.
 *
 * The script and styles are same-origin files rather than inline, so the page runs under
 * helmet's default CSP (`script-src 'self'`) unchanged: no nonce or hash to keep in step with
 * the code, and no CSP exception on this route. They live in TS modules because the build
 * bundles `main.js` only (no asset copying), and the app runs from dist.
 */
@ApiExcludeController() // HTML for browsers, not part of the public API the OpenAPI document describes.
@Controller('console/dlq')
export class DlqConsoleController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  page(): string {
    return DLQ_CONSOLE_HTML;
  }

  @Get('console.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): string {
    return DLQ_CONSOLE_SCRIPT;
  }

  @Get('console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styles(): string {
    return DLQ_CONSOLE_STYLES;
  }
}
