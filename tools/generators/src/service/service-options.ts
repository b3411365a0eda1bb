import { names, type Tree } from '@nx/devkit';

/** What `nx g @platform/tools:service` accepts (schema.json says the same for the CLI). */
export interface ServiceGeneratorSchema {
  name: string;
  kind?: ServiceKind;
  owner?: string;
  envPrefix?: string;
  port?: number;
  metricsPort?: number;
  skipFormat?: boolean;
}

export type ServiceKind = 'http' | 'consumer';

/** Everything the templates and the workspace edits need, derived once from the options. */
export interface ServiceOptions {
  /** kebab-case app name: apps/<name>, image, compose service, k8s objects, consumer group. */
  name: string;
  kind: ServiceKind;
  owner: string;
  /** The capability folder of the skeleton: the name without a trailing `-service`. */
  capability: string;
  /** PascalCase of the capability (class names). */
  capabilityClass: string;
  /** PascalCase of the app name (config type and loader). */
  appClass: string;
  /** camelCase of the app name (config schema). */
  appProperty: string;
  /** CONSTANT_CASE of the app name (config token). */
  appConstant: string;
  /** Prefix of the app's variables, e.g. INVENTORY. */
  envPrefix: string;
  port: number;
  metricsPort: number;
  /** The app name in snake case: the prefix of its own metric names. */
  metricPrefix: string;
}

/** Ports the first generated service gets when no app declares one (api-gateway..dlq-consumer use 3000-3005, 9400-9405). */
export const FIRST_FREE_HTTP_PORT = 3006;
export const FIRST_FREE_METRICS_PORT = 9406;

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A bad option, named in words the CLI prints as they are. */
export class ServiceOptionError extends Error {
  override readonly name = 'ServiceOptionError';
}

/** Validates the options and derives names and the next free ports from the apps in `tree`. */
export function normalizeOptions(tree: Tree, schema: ServiceGeneratorSchema): ServiceOptions {
  const name = schema.name.trim();
  if (!NAME.test(name))
    throw new ServiceOptionError(`"${name}" is not a kebab-case name (e.g. inventory-service)`);
  if (tree.exists(`apps/${name}`)) throw new ServiceOptionError(`apps/${name} exists already`);
  const kind = schema.kind ?? 'http';
  if (kind !== 'http' && kind !== 'consumer')
    throw new ServiceOptionError(`--kind must be http or consumer, not "${String(kind)}"`);
  const capability = name.replace(/-service$/, '') || name;
  const used = usedPorts(tree);
  const port = schema.port ?? nextFree(used.http, FIRST_FREE_HTTP_PORT);
  const metricsPort = schema.metricsPort ?? nextFree(used.metrics, FIRST_FREE_METRICS_PORT);
  if (used.http.includes(port)) throw new ServiceOptionError(`port ${port} is taken by another app`);
  if (used.metrics.includes(metricsPort))
    throw new ServiceOptionError(`metrics port ${metricsPort} is taken by another app`);
  return {
    name,
    kind,
    owner: schema.owner ?? '@platform/platform-team',
    capability,
    capabilityClass: names(capability).className,
    appClass: names(name).className,
    appProperty: names(name).propertyName,
    appConstant: names(name).constantName,
    envPrefix: schema.envPrefix ?? names(capability).constantName,
    port,
    metricsPort,
    metricPrefix: name.replace(/-/g, '_'),
  };
}

/**
 * The default ports every app's config declares (`<PREFIX>_HTTP_PORT: env.port().default(3004)`,
 * `metricsPort(9404)`): the one place each app states them.
 */
export function usedPorts(tree: Tree): { http: number[]; metrics: number[] } {
  const http: number[] = [];
  const metrics: number[] = [];
  if (!tree.exists('apps')) return { http, metrics };
  for (const app of tree.children('apps')) {
    const configDir = `apps/${app}/src/config`;
    if (!tree.exists(configDir)) continue;
    for (const file of tree.children(configDir)) {
      if (!file.endsWith('.ts') || file.includes('.spec.')) continue;
      const source = tree.read(`${configDir}/${file}`, 'utf-8') ?? '';
      for (const match of source.matchAll(/_HTTP_PORT:\s*env\.port\(\)\.default\((\d+)\)/g))
        http.push(Number(match[1]));
      for (const match of source.matchAll(/metricsPort\((\d+)\)/g)) metrics.push(Number(match[1]));
    }
  }
  return { http, metrics };
}

function nextFree(used: number[], first: number): number {
  return Math.max(first - 1, ...used) + 1;
}
