// Jest runs CommonJS; @platformatic/kafka (and its own small packages), jose and uuid ship ES
// modules only, which Node loads as they are but Jest's module system cannot. This turns such a file
// into CommonJS for Jest alone, with `import.meta.url` as the file's URL (the packages read files
// beside them with it).
const { createHash } = require('node:crypto');
const ts = require('typescript');

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
// An ES module makes itself a `require`; a CommonJS module has one (and may not declare another).
const OWN_REQUIRE = /^\s*const require = createRequire\(import\.meta\.url\);?\s*$/gm;

module.exports = {
  process(source, path) {
    const withUrl = source
      .replace(OWN_REQUIRE, '')
      .replace(IMPORT_META_URL, "require('node:url').pathToFileURL(__filename).href");
    const { outputText } = ts.transpileModule(withUrl, {
      fileName: path,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
      },
    });
    return { code: outputText };
  },
  getCacheKey(source, path) {
    return createHash('sha256').update('esm-to-cjs-3').update(path).update(source).digest('hex');
  },
};
