import { isMap, isScalar, isSeq, parse, parseAllDocuments, type YAMLSeq } from 'yaml';
import { addToComposeOverlays } from './compose-overlays';
import {
  addDevKafkaClient,
  addKedaConsumer,
  addKindImage,
  addScalingRow,
  addServiceMonitor,
  addToPassiveRegion,
} from './k8s-lists';
import { editYaml, joinDocuments, read, type ListEdit } from './tree-files';

// The places outside apps/<name> that list every app, and how a new one joins each (ListEdit);
// those of compose/ and of the k8s components and docs are in compose-overlays.ts and k8s-lists.ts.
export type { ListEdit } from './tree-files';

/** `docker-compose.yml`: the app's service, built from the one image recipe with `APP=<name>`. */
export const addComposeService: ListEdit = (tree, o) => {
  const path = 'docker-compose.yml';
  const source = read(tree, path);
  if (source === undefined) return `${path}: not found, add the service by hand`;
  const compose = parse(source, { merge: true }) as { services?: Record<string, ComposeService> };
  const services = compose.services ?? {};
  if (services[o.name]) return undefined;
  // Whatever the other app services share beyond their own settings (profiles, say) the new one gets too.
  const peer = Object.values(services).find((service) => service.build?.args?.APP);
  const profiles = peer?.profiles ? `    profiles: [${peer.profiles.join(', ')}]\n` : '';
  const dependsOn =
    o.kind === 'consumer' ? `    depends_on:\n      kafka: { condition: service_healthy }\n` : '';
  const block =
    `  ${o.name}:\n` +
    `    build: { context: ., dockerfile: tools/docker/app.Dockerfile, args: { APP: ${o.name} } }\n` +
    profiles +
    `    environment:\n      <<: *app-environment\n` +
    dependsOn +
    `    healthcheck:\n      <<: *healthcheck\n` +
    `      test:\n        [\n          'CMD',\n          'node',\n          '-e',\n` +
    `          "fetch('http://127.0.0.1:${o.port}/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",\n` +
    `        ]\n`;
  // The services map ends where the next top-level key begins (volumes:, networks:...).
  const lines = source.split('\n');
  const servicesAt = lines.findIndex((line) => line === 'services:');
  if (servicesAt < 0 || !source.includes('&app-environment'))
    return `${path}: no services map with an &app-environment anchor, add the service by hand`;
  let end = lines.findIndex((line, i) => i > servicesAt && /^[A-Za-z_][\w-]*:/.test(line));
  if (end < 0) end = lines.length;
  while (end > servicesAt + 1 && lines[end - 1].trim() === '') end--;
  lines.splice(end, 0, '', ...block.trimEnd().split('\n'));
  const updated = lines.join('\n');
  const check = parse(updated, { merge: true }) as { services: Record<string, ComposeService> };
  if (check.services[o.name]?.build?.args?.APP !== o.name)
    throw new Error(`${path}: the service did not land`);
  tree.write(path, updated);
  return undefined;
};

interface ComposeService {
  build?: { args?: { APP?: string } };
  profiles?: string[];
}

/** `k8s/base/kustomization.yaml`: the app's folder among the resources, before the network policies. */
export const addKustomizeResource: ListEdit = (tree, o) => {
  const path = 'k8s/base/kustomization.yaml';
  return editYaml(tree, path, (doc) => {
    const resources = doc.get('resources');
    if (!isSeq(resources)) return `${path}: no resources list, add apps/${o.name} by hand`;
    const entry = `apps/${o.name}`;
    if (resources.items.some((item) => String(item) === entry)) return undefined;
    const apps = resources.items.map(String);
    const lastApp = apps.findLastIndex((item) => item.startsWith('apps/'));
    resources.items.splice(lastApp + 1, 0, doc.createNode(entry));
    return undefined;
  });
};

/**
 * `k8s/base/network-policies.yaml`: the app's own policy (an HTTP service admits the gateway, a
 * consumer reaches Kafka; DNS is allow-dns's), and its metrics port open to Prometheus.
 */
export const addNetworkPolicy: ListEdit = (tree, o) => {
  const path = 'k8s/base/network-policies.yaml';
  const source = read(tree, path);
  if (source === undefined) return `${path}: not found, add the app's NetworkPolicy by hand`;
  const docs = parseAllDocuments(source);
  if (!Array.isArray(docs)) return `${path}: not parseable, add the app's NetworkPolicy by hand`;
  if (docs.some((doc) => doc.getIn(['metadata', 'name']) === o.name)) return undefined;
  const metrics = docs.find((doc) => doc.getIn(['metadata', 'name']) === 'platform-metrics');
  const values = metrics?.getIn(['spec', 'podSelector', 'matchExpressions', 0, 'values'], true);
  if (!metrics || !isSeq(values))
    return `${path}: no platform-metrics policy, admit ${o.name}'s metrics by hand`;
  (values as YAMLSeq).items.push(metrics.createNode(o.name));
  // An HTTP service admits the gateway and reaches nothing (add the ports of the stores it owns);
  // a consumer takes no request and reaches Kafka.
  const rules =
    o.kind === 'http'
      ? `  ingress:\n    # Through the gateway only.\n    - from:\n        - podSelector: { matchLabels: { app.kubernetes.io/name: api-gateway } }\n      ports:\n        - { protocol: TCP, port: http }\n`
      : `  egress:\n    - ports:\n        - { protocol: TCP, port: 9092 } # Kafka\n`;
  const policy =
    `${o.kind === 'consumer' ? '# A consumer takes no request: its only ingress is the metrics port (platform-metrics).\n' : ''}` +
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${o.name}\n  namespace: platform\n` +
    `spec:\n  podSelector: { matchLabels: { app.kubernetes.io/name: ${o.name} } }\n  policyTypes: [Ingress, Egress]\n` +
    rules;
  // Insert before the migrations policy (the apps' policies come first), else at the end.
  const at = docs.findIndex((doc) => doc.getIn(['metadata', 'name']) === 'migrations');
  const rendered = docs.map((doc) => doc.toString());
  rendered.splice(at < 0 ? rendered.length : at, 0, policy);
  tree.write(path, joinDocuments(rendered));
  return undefined;
};

/** The tag production starts a new app's image at; CI sets the real one (`kustomize edit set image`). */
const PROD_FIRST_TAG = '0.1.0';

/** `k8s/overlays/<env>/kustomization.yaml`: the image of the app in that environment. */
function addOverlayImage(overlay: 'dev' | 'prod', image: (name: string) => Record<string, string>): ListEdit {
  return (tree, o) => {
    const path = `k8s/overlays/${overlay}/kustomization.yaml`;
    return editYaml(tree, path, (doc) => {
      const images = doc.get('images');
      if (!isSeq(images)) return `${path}: no images list, add ${o.name}'s image by hand`;
      if (images.items.some((item) => isMap(item) && item.get('name') === o.name)) return undefined;
      const node = doc.createNode(image(o.name), { flow: true });
      // A version tag stays quoted, like the others: a plain 1.0 would be read as a number.
      const tag = node.get('newTag', true);
      if (isScalar(tag) && /^[\d.]+$/.test(String(tag.value))) tag.type = 'QUOTE_SINGLE';
      const gateway = images.items.findIndex((item) => isMap(item) && item.get('name') === 'api-gateway');
      images.items.splice(gateway < 0 ? images.items.length : gateway, 0, node);
      return undefined;
    });
  };
}

export const addDevImage = addOverlayImage('dev', (name) => ({
  name,
  newName: `platform/${name}`,
  newTag: 'dev',
}));
export const addProdImage = addOverlayImage('prod', (name) => ({
  name,
  newName: `ghcr.io/platform/${name}`,
  newTag: PROD_FIRST_TAG,
}));

/** `.github/CODEOWNERS`: the app's owner, after the other apps' lines. */
export const addCodeOwner: ListEdit = (tree, o) => {
  const path = '.github/CODEOWNERS';
  const source = read(tree, path);
  if (source === undefined) return `${path}: not found, name ${o.name}'s owner by hand`;
  const lines = source.split('\n');
  const pattern = `/apps/${o.name}/`;
  if (lines.some((line) => line.split(/\s+/)[0] === pattern)) return undefined;
  const lastApp = lines.findLastIndex((line) => line.startsWith('/apps/'));
  if (lastApp < 0) return `${path}: no /apps/ lines, name ${o.name}'s owner by hand`;
  // Owners start in the column the other lines use.
  const column = lines[lastApp].search(/\s@/) + 1 || pattern.length + 1;
  lines.splice(lastApp + 1, 0, `${pattern.padEnd(Math.max(column, pattern.length + 1))}${o.owner}`);
  tree.write(path, lines.join('\n'));
  return undefined;
};

/** `eslint.config.mjs`: the app's scope joins SERVICES, so its own scope rule exists. */
export const addLintScope: ListEdit = (tree, o) => {
  const path = 'eslint.config.mjs';
  const source = read(tree, path);
  const list = source?.match(/const SERVICES = \[([^\]]*)\];/);
  if (!source || !list) return `${path}: no SERVICES list, add scope:${o.name} by hand`;
  if (list[1].includes(`'${o.name}'`)) return undefined;
  const entries = list[1].trimEnd();
  const separator = entries.endsWith(',') ? '' : ',';
  const updated = `const SERVICES = [${entries}${separator}\n  '${o.name}',\n];`;
  tree.write(path, source.replace(list[0], updated));
  return undefined;
};

/** `tools/dev/up.sh`: the app among those `npm start` builds and starts (the gateway stays last). */
export const addDevApp: ListEdit = (tree, o) => {
  const path = 'tools/dev/up.sh';
  const source = read(tree, path);
  const list = source?.match(/^APPS=\(([^)]*)\)$/m);
  if (!source || !list) return `${path}: no APPS=(...) line, add ${o.name}:${o.port} by hand`;
  const apps = list[1].split(/\s+/).filter(Boolean);
  if (apps.some((entry) => entry.startsWith(`${o.name}:`))) return undefined;
  const gateway = apps.findIndex((entry) => entry.startsWith('api-gateway:'));
  apps.splice(gateway < 0 ? apps.length : gateway, 0, `${o.name}:${o.port}`);
  tree.write(path, source.replace(list[0], `APPS=(${apps.join(' ')})`));
  return undefined;
};

/** Prometheus (compose and native): the app's metrics port among the scrape targets. */
export const addScrapeTargets: ListEdit = (tree, o) => {
  const missing: string[] = [];
  for (const [path, target] of [
    ['tools/observability/prometheus/prometheus.yml', `${o.name}:${o.metricsPort}`],
    ['tools/infra/prometheus/prometheus.yml.tmpl', `127.0.0.1:${o.metricsPort}`],
  ] as const) {
    const source = read(tree, path);
    // The last target line of the platform-apps job; the template is not YAML (@VAR@ placeholders).
    const lines = source?.split('\n') ?? [];
    const job = lines.findIndex((line) => line.includes('job_name: platform-apps'));
    let last = -1;
    for (let i = job + 1; job >= 0 && i < lines.length && !lines[i].includes('job_name:'); i++)
      if (/^\s+- \S+:\S+$/.test(lines[i])) last = i;
    if (last < 0) {
      missing.push(`${path}: add the target ${target} by hand`);
      continue;
    }
    if (lines.some((line) => line.trim() === `- ${target}`)) continue;
    const indent = lines[last].match(/^\s*/)?.[0] ?? '';
    lines.splice(last + 1, 0, `${indent}- ${target}`);
    tree.write(path, lines.join('\n'));
  }
  return missing.length ? missing.join('; ') : undefined;
};

/** `README.md`: the app's row in the table of ports. */
export const addPortRow: ListEdit = (tree, o) => {
  const path = 'README.md';
  const source = read(tree, path);
  const lines = source?.split('\n') ?? [];
  const header = lines.findIndex((line) => /^\| App\s+\| Public port/.test(line));
  if (header < 0) return `${path}: no table of ports, add ${o.name}'s by hand`;
  if (lines.some((line) => line.startsWith(`| ${o.name} `))) return undefined;
  let end = header + 1;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  lines.splice(end, 0, `| ${o.name} | ${o.port} | ${o.metricsPort} |`);
  tree.write(path, lines.join('\n'));
  return undefined;
};

/** `.env.example`: the app's own variables with their defaults, before the gateway's. */
export const addEnvExample: ListEdit = (tree, o) => {
  const path = '.env.example';
  const source = read(tree, path);
  if (source === undefined) return `${path}: not found, list ${o.envPrefix}_* by hand`;
  if (source.includes(`# --- ${o.name} ---`)) return undefined;
  const section = [
    `# --- ${o.name} ---`,
    `${o.envPrefix}_HTTP_PORT=${o.port}`,
    `${o.envPrefix}_METRICS_PORT=${o.metricsPort}`,
    ...(o.kind === 'consumer' ? [`${o.envPrefix}_CONSUMER_GROUP=${o.name}`] : []),
    '',
  ].join('\n');
  const gateway = source.indexOf('# --- api-gateway ---');
  const updated =
    gateway < 0
      ? `${source.trimEnd()}\n\n${section}`
      : `${source.slice(0, gateway)}${section}\n${source.slice(gateway)}`;
  tree.write(path, updated);
  return undefined;
};

/** `tools/k8s/manifests.unit.spec.ts`: a consumer's autoscaler among those that name their topics. */
export const addConsumerToManifestTest: ListEdit = (tree, o) => {
  if (o.kind !== 'consumer') return undefined;
  const path = 'tools/k8s/manifests.unit.spec.ts';
  const source = read(tree, path);
  const list = source?.match(
    /(expect\(consumers\.map\(\(hpa\) => hpa\.metadata\.name\)\.sort\(\)\)\.toEqual\(\[)([^\]]*)\]/,
  );
  if (!source || !list) return `${path}: if it lists the consumers' autoscalers, add ${o.name} there`;
  const names = [...list[2].matchAll(/'([^']+)'/g)].map((match) => match[1]);
  if (names.includes(o.name)) return undefined;
  const sorted = [...names, o.name].sort();
  const body = sorted.map((name) => `\n      '${name}',`).join('') + '\n    ';
  tree.write(path, source.replace(list[0], `${list[1]}${body}]`));
  return undefined;
};

/** Every list a new app joins, in the order the generator applies them. */
export const LIST_EDITS: readonly ListEdit[] = [
  addComposeService,
  addToComposeOverlays,
  addKustomizeResource,
  addNetworkPolicy,
  addDevImage,
  addProdImage,
  addServiceMonitor,
  addKedaConsumer,
  addDevKafkaClient,
  addKindImage,
  addScalingRow,
  addToPassiveRegion,
  addCodeOwner,
  addLintScope,
  addDevApp,
  addScrapeTargets,
  addPortRow,
  addEnvExample,
  addConsumerToManifestTest,
];
