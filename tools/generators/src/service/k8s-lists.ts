import type { Tree } from '@nx/devkit';
import { isMap, isScalar, isSeq, parse, parseAllDocuments, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ServiceOptions } from './service-options';
import { editYaml, joinDocuments, read, type ListEdit } from './tree-files';

/**
 * The topic the consumer skeleton reads (files/consumer/src/app.module.ts says the same in code),
 * as the topic registry (libs/contracts/src/topic-registry.ts) names and sizes it.
 */
export const CONSUMER_SKELETON_TOPIC = {
  name: 'identity.events',
  /** Its key in `Topics`. */
  registryKey: 'identityEvents',
  partitions: 12,
} as const;

/**
 * The KEDA lag per pod a new consumer starts with, between those of the apps (50 for a slow
 * delivery, 1000 for cheap batched inserts): to set from how long one message takes.
 */
export const FIRST_LAG_THRESHOLD = 100;

/** The source of the ScaledObjects (`npx nx run k8s:generate` writes them from it). */
export const KEDA_CONSUMERS_PATH = 'tools/k8s/scaled-objects.ts';

/**
 * `k8s/components/monitoring/monitors.yaml`: a ServiceMonitor of the app's Service, a copy of the
 * last one there (same port, path, interval and label handling) under the app's name.
 */
export const addServiceMonitor: ListEdit = (tree, o) => {
  const path = 'k8s/components/monitoring/monitors.yaml';
  const source = read(tree, path);
  if (source === undefined) return undefined; // no monitoring component: nothing scrapes through one
  const docs = parseAllDocuments(source);
  if (!Array.isArray(docs)) return `${path}: not parseable, add ${o.name}'s ServiceMonitor by hand`;
  const monitors = docs.filter((doc) => doc.get('kind') === 'ServiceMonitor');
  if (monitors.some((doc) => doc.getIn(['metadata', 'name']) === o.name)) return undefined;
  const model = monitors.at(-1);
  const modelName = model?.getIn(['metadata', 'name']);
  if (!model || typeof modelName !== 'string')
    return `${path}: no ServiceMonitor to follow, add ${o.name}'s by hand`;
  const monitor = model.clone();
  monitor.commentBefore = null;
  monitor.comment = null;
  visit(monitor, {
    Scalar(_key, node) {
      if (node.value === modelName) node.value = o.name;
    },
  });
  tree.write(path, joinDocuments([`${source.trimEnd()}\n`, monitor.toString()]));
  return undefined;
};

/**
 * A consumer's row in the KEDA consumer table (tools/k8s/scaled-objects.ts: its group, as its
 * config's default, and the topics it reads) and, in the keda component, the deletion of its base
 * CPU autoscaler, which the ScaledObject replaces. The ScaledObject itself is generated from the
 * row (service.generator.ts runs `k8s:generate` once the files are written).
 */
export const addKedaConsumer: ListEdit = (tree, o) => {
  if (o.kind !== 'consumer') return undefined;
  const left = [addConsumerRow(tree, o), addAutoscalerDeletion(tree, o)].filter(Boolean);
  return left.length ? left.join('; ') : undefined;
};

function addConsumerRow(tree: Tree, o: ServiceOptions): string | undefined {
  const path = KEDA_CONSUMERS_PATH;
  const source = read(tree, path);
  if (source === undefined) return undefined; // no KEDA table: the consumers scale on CPU
  const start = source.indexOf('export const CONSUMERS: readonly Consumer[] = [');
  const end = source.indexOf('\n];', start);
  const importsTopics = /import \{[^}]*\bTopics\b[^}]*\} from '@platform\/contracts'/.test(source);
  if (start < 0 || end < 0 || !importsTopics)
    return `${path}: no CONSUMERS table importing Topics, add ${o.name}'s row by hand`;
  if (source.slice(start, end).includes(`deployment: '${o.name}',`)) return undefined;
  const row = [
    `  {`,
    `    deployment: '${o.name}',`,
    `    group: {`,
    `      id: '${o.name}',`,
    `      variable: '${o.envPrefix}_CONSUMER_GROUP',`,
    `      config: 'apps/${o.name}/src/config/${o.name}.config.ts',`,
    `    },`,
    `    topics: [Topics.${CONSUMER_SKELETON_TOPIC.registryKey}],`,
    `    // A first guess: lower it when a message is slow to handle, raise it when handling is cheap.`,
    `    lagThreshold: ${FIRST_LAG_THRESHOLD},`,
    `    offsetResetPolicy: 'earliest', // the messaging runtime's default (fromBeginning)`,
    `  },`,
  ].join('\n');
  tree.write(path, `${source.slice(0, end)}\n${row}${source.slice(end)}`);
  return undefined;
}

function addAutoscalerDeletion(tree: Tree, o: ServiceOptions): string | undefined {
  const path = 'k8s/components/keda/kustomization.yaml';
  if (!tree.exists(path)) return undefined;
  return editYaml(tree, path, (doc) => {
    const patches = doc.get('patches');
    const deletions = isSeq(patches)
      ? patches.items.filter(isMap).filter((item) => deletedAutoscaler(item.get('patch')) !== undefined)
      : [];
    const model = deletions.at(-1);
    if (!isSeq(patches) || !model)
      return `${path}: no deletions of base autoscalers, delete ${o.name}'s HPA there by hand`;
    if (deletions.some((item) => deletedAutoscaler(item.get('patch')) === o.name)) return undefined;
    // A copy of the last deletion (its block style and its shape), naming the app's HPA instead.
    const deletion = model.clone() as YAMLMap;
    const patch = deletion.get('patch', true);
    const old = deletedAutoscaler(model.get('patch'));
    if (isScalar(patch)) patch.value = String(patch.value).replace(`name: ${old},`, `name: ${o.name},`);
    if (!isScalar(patch) || deletedAutoscaler(patch.value) !== o.name)
      return `${path}: delete ${o.name}'s HPA there by hand, as ${old}'s is`;
    patches.items.push(deletion);
    return undefined;
  });
}

/** The name of the HorizontalPodAutoscaler a `$patch: delete` patch deletes, if that is what it is. */
function deletedAutoscaler(patch: unknown): string | undefined {
  if (typeof patch !== 'string') return undefined;
  const resource = parse(patch) as { $patch?: string; kind?: string; metadata?: { name?: string } } | null;
  return resource?.$patch === 'delete' && resource.kind === 'HorizontalPodAutoscaler'
    ? resource.metadata?.name
    : undefined;
}

/**
 * `k8s/overlays/dev/servers/network-policies.yaml`: the laptop cluster's Kafka admits a consumer
 * (an HTTP service of the skeleton does not reach Kafka).
 */
export const addDevKafkaClient: ListEdit = (tree, o) => {
  if (o.kind !== 'consumer') return undefined;
  const path = 'k8s/overlays/dev/servers/network-policies.yaml';
  const source = read(tree, path);
  if (source === undefined) return undefined; // no servers in the dev overlay
  const docs = parseAllDocuments(source);
  const kafka = Array.isArray(docs)
    ? docs.find((doc) => doc.getIn(['metadata', 'name']) === 'kafka')
    : undefined;
  const values = kafka?.getIn(
    ['spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchExpressions', 0, 'values'],
    true,
  );
  if (!kafka || !Array.isArray(docs) || !isSeq(values))
    return `${path}: no kafka policy listing its clients, admit ${o.name} by hand`;
  const clients = values as YAMLSeq;
  if (clients.items.some((item) => String(isScalar(item) ? item.value : item) === o.name)) return undefined;
  // The broker itself stays last (it reaches itself through its advertised address).
  const broker = clients.items.findIndex((item) => isScalar(item) && item.value === 'kafka');
  clients.items.splice(broker < 0 ? clients.items.length : broker, 0, kafka.createNode(o.name));
  tree.write(path, joinDocuments(docs.map((doc) => doc.toString())));
  return undefined;
};

const K8S_README = 'k8s/README.md';

/** `k8s/README.md`: the app among the images a kind cluster builds and loads for the dev overlay. */
export const addKindImage: ListEdit = (tree, o) => {
  const source = read(tree, K8S_README);
  const loop = source?.match(/^for app in ([a-z0-9 -]+); do$/m);
  if (!source || !loop) return `${K8S_README}: no "for app in ...; do" loop, add ${o.name}'s image by hand`;
  const apps = loop[1].split(' ');
  if (apps.includes(o.name)) return undefined;
  tree.write(K8S_README, source.replace(loop[0], `for app in ${[...apps, o.name].join(' ')}; do`));
  return undefined;
};

const REGION_B = 'k8s/overlays/region-b/kustomization.yaml';

/**
 * Region B's overlay: the app at zero while B is passive, a consumer by pausing its ScaledObject
 * (KEDA would scale a bare zero back up), any other app by zero replicas of its Deployment.
 */
export const addToPassiveRegion: ListEdit = (tree, o) => {
  const kind = o.kind === 'consumer' ? 'ScaledObject' : 'Deployment';
  const source = read(tree, REGION_B);
  const target = source?.match(new RegExp(`target: \\{ kind: ${kind}, name: ([a-z0-9|-]+) \\}`));
  if (!source || !target)
    return `${REGION_B}: no ${kind} patch target, keep ${o.name} at zero in region B by hand`;
  const names = target[1].split('|');
  if (names.includes(o.name)) return undefined;
  tree.write(
    REGION_B,
    source.replace(target[0], `target: { kind: ${kind}, name: ${[...names, o.name].join('|')} }`),
  );
  return undefined;
};

/** `k8s/README.md`: the app's row in the table of autoscalers (CPU, and KEDA for a consumer). */
export const addScalingRow: ListEdit = (tree, o) => {
  const source = read(tree, K8S_README);
  const lines = source?.split('\n') ?? [];
  const header = lines.findIndex((line) => /^\| Deployment\s+\| CPU min-max/.test(line));
  if (header < 0) return `${K8S_README}: no table of autoscalers, add ${o.name}'s row by hand`;
  if (lines.some((line) => line.startsWith(`| ${o.name} `))) return undefined;
  let end = header + 1;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  const { name, partitions } = CONSUMER_SKELETON_TOPIC;
  const row =
    o.kind === 'consumer'
      ? `| ${o.name} | 2-${partitions} (fallback) | 2-${partitions} | \`${o.name}\`: ${name}, ${partitions} partitions (${FIRST_LAG_THRESHOLD}) |`
      : `| ${o.name} | 2-6 | | |`;
  lines.splice(end, 0, row);
  tree.write(K8S_README, lines.join('\n'));
  return undefined;
};
