import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

/**
 * What prometheus-operator and Grafana's dashboard sidecar load in a cluster, generated from the
 * files that Prometheus and Grafana load under docker compose and natively: the alert and
 * recording rules that promtool tests (tools/observability/prometheus/rules) become
 * PrometheusRules, the dashboards (tools/observability/grafana/dashboards) ConfigMaps. The
 * component k8s/components/monitoring carries both; the prod overlay uses it.
 */
export const MONITORING_COMPONENT = 'k8s/components/monitoring';
export const PROMETHEUS_RULES_PATH = `${MONITORING_COMPONENT}/prometheus-rules.yaml`;
export const GRAFANA_DASHBOARDS_PATH = `${MONITORING_COMPONENT}/grafana-dashboards.yaml`;

export const RULES_DIR = 'tools/observability/prometheus/rules';
export const DASHBOARDS_DIR = 'tools/observability/grafana/dashboards';

/** Where the PrometheusRules go: beside the apps they watch (the platform's namespace). */
export const RULES_NAMESPACE = 'platform';
/**
 * Where the dashboard ConfigMaps go: Grafana's own namespace, which its sidecar searches by
 * default (kube-prometheus-stack runs it in `monitoring`, where the NetworkPolicies expect
 * Prometheus too).
 */
export const DASHBOARDS_NAMESPACE = 'monitoring';
/** The label Grafana's sidecar looks for (the chart's `sidecar.dashboards.label`, value "1"). */
export const DASHBOARD_LABEL = 'grafana_dashboard';
/** The annotation that names the source rule file (tools/k8s-validate writes the groups back to it). */
export const RULES_FILE_ANNOTATION = 'platform/rules-file';

const ROOT = join(__dirname, '../..');

/** A prometheus-operator PrometheusRule (monitoring.coreos.com/v1), as the platform writes it. */
export interface PrometheusRuleResource {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: { groups: unknown[] };
}

/** A dashboard as a ConfigMap for Grafana's sidecar: one JSON file per ConfigMap. */
export interface DashboardConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: Record<string, string>;
}

/** The files of a folder with a suffix, sorted, relative to the repository root. */
function filesIn(dir: string, suffix: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => `${dir}/${name}`);
}

/** One PrometheusRule per rule file, carrying its groups as they are (comments aside). */
export function prometheusRuleResources(): PrometheusRuleResource[] {
  return filesIn(RULES_DIR, '.rules.yml').map((path) => {
    const file = basename(path);
    const { groups } = parse(readFileSync(join(ROOT, path), 'utf8')) as { groups: unknown[] };
    return {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: `platform-${file.replace(/\.rules\.yml$/, '')}`,
        namespace: RULES_NAMESPACE,
        labels: { 'app.kubernetes.io/component': 'monitoring' },
        annotations: { [RULES_FILE_ANNOTATION]: file },
      },
      spec: { groups },
    };
  });
}

/** One ConfigMap per dashboard, the JSON file byte for byte under its own name. */
export function dashboardConfigMaps(): DashboardConfigMap[] {
  return filesIn(DASHBOARDS_DIR, '.json').map((path) => {
    const file = basename(path);
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `grafana-dashboard-${file.replace(/\.json$/, '')}`,
        namespace: DASHBOARDS_NAMESPACE,
        labels: { [DASHBOARD_LABEL]: '1', 'app.kubernetes.io/component': 'monitoring' },
      },
      data: { [file]: readFileSync(join(ROOT, path), 'utf8') },
    };
  });
}
