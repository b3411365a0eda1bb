import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeIssues } from '../envelope';
import { catalogSnapshotSchema, type CatalogSnapshot } from './catalog-snapshot';

/** The published catalog: committed, written only by `npm run contracts:snapshot`. */
export const PUBLISHED_CATALOG_PATH = join(__dirname, '..', '..', 'catalog.snapshot.json');

/** The command that publishes the current catalog, for messages. */
export const PUBLISH_COMMAND = 'npm run contracts:snapshot';

/** The published catalog path as a reader at the repository root types it. */
export function publishedCatalogDisplayPath(): string {
  return relative(join(__dirname, '..', '..', '..', '..'), PUBLISHED_CATALOG_PATH);
}

/**
 * Reads and checks the committed snapshot; undefined when there is none yet. A file that does not
 * parse throws with the fields that are wrong.
 */
export function readPublishedCatalog(path = PUBLISHED_CATALOG_PATH): CatalogSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not JSON (${(err as Error).message}); restore it from git`, { cause: err });
  }
  const parsed = catalogSnapshotSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is not a catalog snapshot: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
