import type { Tree } from '@nx/devkit';
import { parse } from 'yaml';
import { read, type ListEdit } from './tree-files';

const OVERLAYS_DIR = 'compose';

/** A one-line entry of an overlay's services map: `  auth-service: { profiles: [apps] }`. */
const ENTRY = /^ {2}([\w.-]+):\s*(\S.*)$/;

/**
 * `compose/*.yml`, the overlays of docker-compose.yml (servers only, no observability...): an
 * overlay that gives every app the same one-line entry (`{ profiles: [apps] }`, `*no-traces`)
 * gives the new app that entry too, before the gateway's. An overlay that names no app is no list
 * of apps; one whose apps differ is left to a person.
 */
export const addToComposeOverlays: ListEdit = (tree, o) => {
  if (!tree.exists(OVERLAYS_DIR)) return undefined;
  const apps = composeApps(tree).filter((app) => app !== o.name);
  const missing: string[] = [];
  for (const file of tree.children(OVERLAYS_DIR).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const left = addToOverlay(tree, `${OVERLAYS_DIR}/${file}`, apps, o.name);
    if (left) missing.push(left);
  }
  return missing.length ? missing.join('; ') : undefined;
};

/** The app services of docker-compose.yml: those built from the image recipe (`args: { APP }`). */
function composeApps(tree: Tree): string[] {
  const source = read(tree, 'docker-compose.yml');
  if (source === undefined) return [];
  const compose = parse(source, { merge: true }) as {
    services?: Record<string, { build?: { args?: { APP?: string } } }>;
  };
  return Object.entries(compose.services ?? {})
    .filter(([, service]) => service.build?.args?.APP)
    .map(([name]) => name);
}

function addToOverlay(tree: Tree, path: string, apps: string[], name: string): string | undefined {
  const source = read(tree, path) ?? '';
  const lines = source.split('\n');
  const servicesAt = lines.findIndex((line) => line === 'services:');
  if (servicesAt < 0) return undefined;
  let end = lines.findIndex((line, i) => i > servicesAt && /^[A-Za-z_][\w-]*:/.test(line));
  if (end < 0) end = lines.length;
  const keyOf = (line: string) => /^ {2}([\w.-]+):/.exec(line)?.[1];
  const appLines = lines
    .map((line, at) => ({ line, at, key: keyOf(line) }))
    .filter(({ at, key }) => at > servicesAt && at < end && key !== undefined && apps.includes(key));
  if (appLines.length === 0) return undefined;
  if (appLines.some(({ key }) => key === name)) return undefined;
  const values = new Set(appLines.map(({ line }) => ENTRY.exec(line)?.[2]));
  const [value] = values;
  if (values.size !== 1 || value === undefined)
    return `${path}: the apps' entries differ, add ${name} as its role needs by hand`;
  const gateway = appLines.find(({ key }) => key === 'api-gateway');
  const at = gateway ? gateway.at : appLines[appLines.length - 1].at + 1;
  lines.splice(at, 0, `  ${name}: ${value}`);
  const updated = lines.join('\n');
  const check = parse(updated, { merge: true }) as { services?: Record<string, unknown> };
  if (!check.services?.[name]) throw new Error(`${path}: the entry of ${name} did not land`);
  tree.write(path, updated);
  return undefined;
}
