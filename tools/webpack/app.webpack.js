// The one webpack setup of every app (apps/<app>/webpack.config.js calls it with its folder).
// Bundles the app and the workspace libraries it imports into dist/apps/<app>/main.js. npm packages
// stay external (loaded from node_modules at run time: OpenTelemetry's instrumentation hooks
// require()), and a package.json + lock listing only those the bundle uses is generated for the
// image's production install (tools/docker/app.Dockerfile).
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('node:path');

/** The webpack config of the app in `appDir`. */
module.exports = function appWebpackConfig(appDir) {
  return {
    output: { path: join(__dirname, '../../dist/apps', basename(appDir)), clean: true },
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
};
