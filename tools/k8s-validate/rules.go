package main

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// rulesFileAnnotation names, on a PrometheusRule, the rule file its groups come from
// (tools/k8s/prometheus-rules.ts): the file written under the same name lets the promtool tests
// of tools/observability/prometheus/tests run against what the cluster would load.
const rulesFileAnnotation = "platform/rules-file"

// writeRuleFiles writes the groups of every valid PrometheusRule to dir as a Prometheus rule
// file, for `promtool check rules` and `promtool test rules` (tools/ci/lint-deploy.sh), and
// returns the files written.
func writeRuleFiles(objects []Object, dir string) ([]string, error) {
	var files []string
	for _, o := range objects {
		if o.GVK != prometheusRuleKind || o.Custom == nil {
			continue
		}
		name := o.Custom.GetAnnotations()[rulesFileAnnotation]
		if name == "" {
			name = o.Namespace + "_" + o.Name + ".rules.yml"
		}
		if filepath.Base(name) != name {
			return nil, fmt.Errorf("%s: annotation %s must be a file name, not %q", o.Ref(), rulesFileAnnotation, name)
		}
		spec, _ := o.Custom.Object["spec"].(map[string]any)
		data, err := yaml.Marshal(map[string]any{"groups": spec["groups"]})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.Ref(), err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}
