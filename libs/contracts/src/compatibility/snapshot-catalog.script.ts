/**
 * `npm run contracts:snapshot [-- --accept-breaking]`: publishes the current catalog by writing
 * libs/contracts/catalog.snapshot.json, the file the compatibility test compares against.
 *
 * It refuses to publish a breaking change: rewriting the snapshot would only silence the test,
 * while old records and running consumers would still break. `--accept-breaking` exists for the
 * rare change that only looks breaking (a zod upgrade that renders the same rule differently, a
 * version that never left a branch); the snapshot's diff then shows it to the contracts owners.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { compareCatalogs, type CompatibilityReport } from './catalog-compatibility';
import { snapshotOfCatalog } from './catalog-snapshot';
import {
  PUBLISHED_CATALOG_PATH,
  publishedCatalogDisplayPath,
  readPublishedCatalog,
} from './published-catalog';

async function main(args: readonly string[]): Promise<number> {
  const acceptBreaking = args.includes('--accept-breaking');
  const current = snapshotOfCatalog();
  const published = readPublishedCatalog();
  const report: CompatibilityReport = published
    ? compareCatalogs(published, current)
    : { breaking: [], additions: ['first snapshot of the catalog'] };
  const file = publishedCatalogDisplayPath();

  if (report.breaking.length > 0 && !acceptBreaking) {
    print(process.stderr, `Not published: the catalog breaks what ${file} published:`, report.breaking);
    process.stderr.write(
      'Never edit a published version: add a new version with an upcaster instead (docs/contracts.md).\n',
    );
    return 1;
  }
  if (report.breaking.length === 0 && report.additions.length === 0) {
    process.stdout.write(`${file} is up to date.\n`);
    return 0;
  }
  // Formatted as prettier would, so that formatting the repository never shows it as changed.
  const json = await format(JSON.stringify(current), {
    ...(await resolveConfig(PUBLISHED_CATALOG_PATH)),
    parser: 'json',
  });
  writeFileSync(PUBLISHED_CATALOG_PATH, json);
  if (report.breaking.length > 0)
    print(process.stdout, 'Published BREAKING changes (--accept-breaking):', report.breaking);
  if (report.additions.length > 0) print(process.stdout, `Published to ${file}:`, report.additions);
  return 0;
}

function print(stream: NodeJS.WriteStream, title: string, lines: readonly string[]): void {
  stream.write(`${title}\n${lines.map((line) => `  - ${line}\n`).join('')}`);
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
