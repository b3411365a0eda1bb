import { parseAllDocuments } from 'yaml';
import { GENERATED_FILES, outOfDate, readCommitted } from './generated-files';

// Every generated manifest is committed: these tests fail when one differs in content (not in
// formatting) from what its sources generate today, and say how to regenerate.
describe('the generated manifests', () => {
  it.each(GENERATED_FILES.map((file) => [file.path, file] as const))(
    '%s is what its sources generate',
    (_path, file) => {
      const generated = parseAllDocuments(file.render()).map((document) => document.toJS() as unknown);
      try {
        expect(readCommitted(file.path)).toEqual(generated);
      } catch (difference) {
        throw new Error(`${outOfDate(file)}\n${(difference as Error).message}`, { cause: difference });
      }
    },
  );
});
