/**
 * `npx nx run api-gateway:openapi`: writes the OpenAPI document the gateway serves at
 * /openapi.json, for its default route table, to the file given (dist/openapi/openapi.json), so
 * that it can be linted and a client generated from it without starting the gateway.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_ROUTES, RouteTable } from '../routing/route-table';
import { buildOpenApiDocument } from './openapi.document';

const [file] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: write-openapi.script.ts <file.json>\n');
  process.exit(2);
}
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(new RouteTable(DEFAULT_ROUTES)), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
