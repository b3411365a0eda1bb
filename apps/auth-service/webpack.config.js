// Bundles the app and the workspace libraries it imports into dist/apps/auth-service/main.js. npm packages
// stay external (loaded from node_modules at run time: OpenTelemetry's instrumentation hooks
// require()), and a package.json + lock listing only those the bundle uses is generated for the
// image's production install (tools/docker/app.Dockerfile).
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

module.exports = {
  output: { path: join(__dirname, '../../dist/apps/auth-service'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
};
