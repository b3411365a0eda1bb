import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Injection token of the folder DlqConsoleController serves the console's built files from. */
export const DLQ_CONSOLE_DIR = Symbol('DLQ_CONSOLE_DIR');

/**
 * Where the build puts the console (index.html, console.css, console.js; see
 * apps/api-gateway/webpack.config.js): `console/` beside main.js when the app runs built
 * (dist/apps/api-gateway, or /app in the image); when this file runs from the sources (ts-node,
 * jest), the same folder in the workspace's dist. The first that holds the page wins; with none,
 * the first, and the console answers 404 until the app is built.
 */
export function findDlqConsoleDir(
  candidates = [join(__dirname, 'console'), resolve(__dirname, '../../../../dist/apps/api-gateway/console')],
): string {
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}
