import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DLQ_CONSOLE_DIR } from './dlq-console.files';

/**
 * The DLQ triage console: a static page for admins over dlq-consumer's admin API (`/admin/dlq`).
 * Public on purpose: the page and its assets carry no data; every call the page makes carries
 * the admin's bearer token and is checked by the proxy like any client's.
 *
 * The page, its styles and its script are files built from `web/` (the script is TypeScript,
 * bundled for the browser) and served from one folder. Script and styles are same-origin files
 * rather than inline, so the page runs under helmet's default CSP (`script-src 'self'`)
 * unchanged: no nonce or hash to keep in step with the code, and no CSP exception on this route.
 * `no-cache` with Express's ETag: a browser revalidates each time (a 304 when unchanged), so a
 * deploy is seen at the next load under the same URLs.
 */
@ApiExcludeController() // HTML for browsers, not part of the public API the OpenAPI document describes.
@Controller('console/dlq')
export class DlqConsoleController {
  constructor(@Inject(DLQ_CONSOLE_DIR) private readonly dir: string) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  page(): Promise<string> {
    return this.file('index.html');
  }

  @Get('console.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): Promise<string> {
    return this.file('console.js');
  }

  @Get('console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styles(): Promise<string> {
    return this.file('console.css');
  }

  /** Read at each request (three small files, per page load): a rebuild is served without a restart. */
  private async file(name: 'index.html' | 'console.js' | 'console.css'): Promise<string> {
    try {
      return await readFile(join(this.dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new NotFoundException(`the DLQ console is not built: run \`nx build api-gateway\``);
    }
  }
}
