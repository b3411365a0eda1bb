import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { GENERATE_COMMAND, KAFKA_TOPICS_PATH, renderKafkaTopics } from './kafka-topics';
import {
  dashboardConfigMaps,
  DASHBOARDS_DIR,
  GRAFANA_DASHBOARDS_PATH,
  prometheusRuleResources,
  PROMETHEUS_RULES_PATH,
  RULES_DIR,
} from './monitoring';
import { MIRROR_MAKER_PATH, mirrorMakerResource } from './mirror-maker';
import { SCALED_OBJECTS_PATH, scaledObjectResources } from './scaled-objects';

const ROOT = join(__dirname, '../..');

/** A manifest file written from sources elsewhere in the repository by {@link GENERATE_COMMAND}. */
export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  /** What it is generated from, for its header and for the tests' messages. */
  source: string;
  render(): string;
}

/** Multi-document YAML with a header saying where it comes from and how to regenerate it. */
export function renderGenerated(source: string, about: string, resources: readonly unknown[]): string {
  const header = [`# Generated from ${source} by \`${GENERATE_COMMAND}\`: do not edit.`, `# ${about}`].join(
    '\n',
  );
  return `${header}\n${resources.map((resource) => stringify(resource, { lineWidth: 0 }).trimEnd()).join('\n---\n')}\n`;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  { path: KAFKA_TOPICS_PATH, source: 'libs/contracts/src/topic-registry.ts', render: renderKafkaTopics },
  {
    path: PROMETHEUS_RULES_PATH,
    source: `${RULES_DIR}/*.rules.yml`,
    render: () =>
      renderGenerated(
        `${RULES_DIR}/*.rules.yml`,
        'One PrometheusRule per rule file, the groups promtool tests (tools/k8s/monitoring.unit.spec.ts checks them).',
        prometheusRuleResources(),
      ),
  },
  {
    path: GRAFANA_DASHBOARDS_PATH,
    source: `${DASHBOARDS_DIR}/*.json`,
    render: () =>
      renderGenerated(
        `${DASHBOARDS_DIR}/*.json`,
        'One ConfigMap per dashboard, for Grafana\'s dashboard sidecar (label grafana_dashboard: "1").',
        dashboardConfigMaps(),
      ),
  },
  {
    path: SCALED_OBJECTS_PATH,
    source: 'tools/k8s/scaled-objects.ts and libs/contracts/src/topic-registry.ts',
    render: () =>
      renderGenerated(
        'tools/k8s/scaled-objects.ts and libs/contracts/src/topic-registry.ts',
        'KEDA ScaledObjects on consumer lag; maxReplicaCount is the fewest partitions of the topics read.',
        scaledObjectResources(),
      ),
  },
  {
    path: MIRROR_MAKER_PATH,
    source: 'tools/k8s/mirror-maker.ts and libs/contracts/src/topic-registry.ts',
    render: () =>
      renderGenerated(
        'tools/k8s/mirror-maker.ts and libs/contracts/src/topic-registry.ts',
        "Region B's MirrorMaker 2: region A's topics under the same names, groups' offsets synced every second.",
        [mirrorMakerResource()],
      ),
  },
];

/** The documents of a committed generated file, or an empty list when it does not exist. */
export function readCommitted(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return [];
  }
  return parseAllDocuments(text).map((document) => document.toJS() as unknown);
}

/** The message of a test that finds a generated file out of date. */
export function outOfDate(file: GeneratedFile): string {
  return `${file.path} is out of date with ${file.source}: run ${GENERATE_COMMAND} and commit it`;
}
