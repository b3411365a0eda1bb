// Built like every app (see tools/webpack/app.webpack.js), plus the DLQ triage console's browser
// files: src/console/web/console.ts bundled for the browser, index.html and console.css copied
// beside it, into dist/apps/api-gateway/console/ (DlqConsoleController serves that folder).
const { readFile } = require('node:fs/promises');
const { join } = require('node:path');

const app = require('../../tools/webpack/app.webpack')(__dirname);
const web = join(__dirname, 'src/console/web');

/** Emits `files` of `dir` as they are beside the bundle, and rebuilds in watch mode when one changes. */
class EmitFiles {
  constructor(dir, files) {
    this.dir = dir;
    this.files = files;
  }

  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    const stage = Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL;
    compiler.hooks.thisCompilation.tap('EmitFiles', (compilation) => {
      compilation.hooks.processAssets.tapPromise({ name: 'EmitFiles', stage }, async () => {
        for (const file of this.files) {
          const path = join(this.dir, file);
          compilation.fileDependencies.add(path);
          compilation.emitAsset(file, new sources.RawSource(await readFile(path)));
        }
      });
    });
  }
}

module.exports = [
  // The console's files are another compiler's output: the app's clean must leave them.
  { ...app, name: 'app', output: { ...app.output, clean: { keep: /^console[\\/]/ } } },
  {
    name: 'console',
    dependencies: ['app'], // after the app's compiler, which empties dist/apps/api-gateway first
    target: ['web', 'es2022'],
    mode: 'production',
    devtool: false, // readable as built (no minifying), so no source map to serve alongside
    entry: join(web, 'console.ts'),
    output: { path: join(app.output.path, 'console'), filename: 'console.js', clean: true },
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          // Types are checked by the typecheck target (tsc -p src/console/web/tsconfig.json).
          options: { configFile: join(web, 'tsconfig.json'), transpileOnly: true },
        },
      ],
    },
    optimization: { minimize: false },
    performance: { hints: false },
    plugins: [new EmitFiles(web, ['index.html', 'console.css'])],
  },
];
