import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { readCommitted } from './generated-files';
import {
  DASHBOARD_LABEL,
  DASHBOARDS_DIR,
  GRAFANA_DASHBOARDS_PATH,
  MONITORING_COMPONENT,
  PROMETHEUS_RULES_PATH,
  RULES_DIR,
  RULES_FILE_ANNOTATION,
  type DashboardConfigMap,
  type PrometheusRuleResource,
} from './monitoring';

// The monitoring component carries the very rules and dashboards of tools/observability (which
// promtool tests, and compose's Prometheus and Grafana load), and scrapes every app.
const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const documents = (path: string) =>
  parseAllDocuments(read(path)).map((document) => document.toJS() as unknown);

describe('the PrometheusRules of the monitoring component', () => {
  const committed = readCommitted(PROMETHEUS_RULES_PATH) as PrometheusRuleResource[];
  const ruleFiles = readdirSync(join(root, RULES_DIR)).filter((name) => name.endsWith('.rules.yml'));

  it('carry every rule file, each under the annotation that names it', () => {
    expect(committed.map((rule) => rule.metadata.annotations[RULES_FILE_ANNOTATION]).sort()).toEqual(
      ruleFiles.sort(),
    );
  });

  it('carry the groups of each rule file unchanged', () => {
    for (const rule of committed) {
      const file = rule.metadata.annotations[RULES_FILE_ANNOTATION];
      const source = parse(read(`${RULES_DIR}/${file}`)) as { groups: unknown[] };
      expect({ file, groups: rule.spec.groups }).toEqual({ file, groups: source.groups });
    }
  });
});

describe('the dashboards of the monitoring component', () => {
  const committed = readCommitted(GRAFANA_DASHBOARDS_PATH) as DashboardConfigMap[];
  const dashboardFiles = readdirSync(join(root, DASHBOARDS_DIR)).filter((name) => name.endsWith('.json'));

  it("are ConfigMaps labelled for Grafana's sidecar, one per dashboard file, byte for byte", () => {
    expect(committed.flatMap((configMap) => Object.keys(configMap.data)).sort()).toEqual(
      dashboardFiles.sort(),
    );
    for (const configMap of committed) {
      expect(configMap.metadata.labels[DASHBOARD_LABEL]).toBe('1');
      for (const [file, json] of Object.entries(configMap.data)) {
        expect({ file, same: json === read(`${DASHBOARDS_DIR}/${file}`) }).toEqual({ file, same: true });
      }
    }
  });

  it('fit in a ConfigMap that kubectl apply can annotate (256 KiB)', () => {
    for (const configMap of committed) {
      expect(JSON.stringify(configMap).length).toBeLessThan(256 * 1024);
    }
  });
});

describe('the monitoring component', () => {
  const kustomization = parse(read(`${MONITORING_COMPONENT}/kustomization.yaml`)) as { resources: string[] };
  const monitors = documents(`${MONITORING_COMPONENT}/monitors.yaml`) as {
    kind: string;
    spec: { selector: { matchLabels: Record<string, string> } };
  }[];

  it('holds the generated files and the monitors', () => {
    expect(kustomization.resources.sort()).toEqual(
      ['monitors.yaml', 'prometheus-rules.yaml', 'grafana-dashboards.yaml'].sort(),
    );
  });

  it('scrapes every Deployment of the base: through its Service, or its pods when it has none', () => {
    const deployments = readdirSync(join(root, 'k8s/base/apps')).flatMap((app) =>
      readdirSync(join(root, `k8s/base/apps/${app}`))
        .filter((file) => file.endsWith('deployment.yaml'))
        .map((file) => parse(read(`k8s/base/apps/${app}/${file}`)) as { metadata: { name: string } }),
    );
    const serviceNames = new Set(
      readdirSync(join(root, 'k8s/base/apps')).map(
        (app) =>
          (parse(read(`k8s/base/apps/${app}/service.yaml`)) as { metadata: { name: string } }).metadata.name,
      ),
    );
    const scraped = monitors.map((monitor) => ({
      name: monitor.spec.selector.matchLabels['app.kubernetes.io/name'],
      kind: monitor.kind,
    }));
    expect(scraped.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      deployments
        .map(({ metadata: { name } }) => ({
          name,
          kind: serviceNames.has(name) ? 'ServiceMonitor' : 'PodMonitor',
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('is used by the prod overlay', () => {
    const prod = parse(read('k8s/overlays/prod/kustomization.yaml')) as { components?: string[] };
    expect(prod.components).toContain('../../components/monitoring');
  });
});
