// `node -r ./tools/dev/register-paths.js` resolves the workspace's `@platform/*` imports for scripts
// run by ts-node, as TypeScript does: the `paths` of tsconfig.base.json, relative to the workspace
// root. (`tsconfig-paths/register` alone reads them relative to the script's own tsconfig, which is
// wrong once tsconfig.base.json has no `baseUrl`.)
const { join } = require('node:path');
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.base.json');

register({ baseUrl: join(__dirname, '../..'), paths: compilerOptions.paths });
