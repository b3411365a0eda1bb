// Built like every app: see tools/webpack/app.webpack.js.
module.exports = require('../../tools/webpack/app.webpack')(__dirname);
