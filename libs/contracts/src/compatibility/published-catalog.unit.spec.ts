import { compareCatalogs, type CompatibilityReport } from './catalog-compatibility';
import { snapshotOfCatalog } from './catalog-snapshot';
import { PUBLISH_COMMAND, publishedCatalogDisplayPath, readPublishedCatalog } from './published-catalog';

/**
 * The contract-compatibility check: the catalog in the source against the one last published in
 * catalog.snapshot.json. Rules in compareCatalogs; how to evolve an event in docs/contracts.md.
 */
describe('the event catalog against its published snapshot', () => {
  let report: CompatibilityReport;

  beforeAll(() => {
    const published = readPublishedCatalog();
    if (!published) {
      throw new Error(`no published catalog at ${publishedCatalogDisplayPath()}; run ${PUBLISH_COMMAND}`);
    }
    report = compareCatalogs(published, snapshotOfCatalog());
  });

  it('still reads, writes and routes every event version, envelope and topic as published', () => {
    if (report.breaking.length > 0) {
      throw new Error(
        `the catalog breaks what ${publishedCatalogDisplayPath()} published:\n` +
          lines(report.breaking) +
          'Never edit a published version: add a new version with an upcaster instead (docs/contracts.md).',
      );
    }
  });

  // A snapshot that quietly falls behind would let the next breaking change hide among old ones.
  it('has no additions left unpublished', () => {
    if (report.additions.length > 0) {
      throw new Error(
        `catalog has unpublished additions; run ${PUBLISH_COMMAND}\n${lines(report.additions)}`,
      );
    }
  });
});

function lines(items: readonly string[]): string {
  return items.map((item) => `  - ${item}\n`).join('');
}
