// Command k8s-validate checks rendered Kubernetes manifests (`kustomize build` output on stdin)
// without a cluster, and exits 1 with one line per problem when any object would be refused:
//
//   - every object is decoded strictly against the Kubernetes 1.37 types: unknown or duplicate
//     fields and wrong types are errors, as with `kubectl apply --validate=strict`;
//   - built-in objects are defaulted and validated by the API server's own create path
//     (k8s.io/kubernetes registry strategies: the handwritten and declarative validation);
//   - pod templates are evaluated against the Pod Security level their namespace enforces;
//   - custom resources of prometheus-operator (ServiceMonitor, PodMonitor, PrometheusRule), KEDA
//     (ScaledObject), Strimzi (KafkaMirrorMaker2) and CloudNativePG (Cluster) as kube-apiserver does once their CRDs are installed: the CRDs'
//     structural schemas and CEL rules, from the pinned copies in crds/ (crds.go);
//   - Strimzi KafkaTopics, whose CRD no Go module ships, against the fields they may have;
//   - references between objects resolve, and workloads follow the rules in policy.go.
//
// Usage: kustomize build k8s/overlays/prod | k8s-validate -name k8s/overlays/prod [-rules-dir DIR]
// With -rules-dir, the groups of each PrometheusRule are written there as a Prometheus rule file
// for promtool (tools/ci/lint-deploy.sh checks and tests them).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	name := flag.String("name", "stdin", "what the manifests are, for the messages (e.g. k8s/overlays/prod)")
	rulesDir := flag.String("rules-dir", "", "write the groups of each PrometheusRule to this directory as rule files")
	flag.Parse()

	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "k8s-validate: reading stdin: %v\n", err)
		os.Exit(2)
	}
	report := Validate(input)
	for _, warning := range report.Warnings {
		fmt.Fprintf(os.Stderr, "%s: warning: %s\n", *name, warning)
	}
	if len(report.Problems) > 0 {
		for _, problem := range report.Problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", *name, problem)
		}
		fmt.Fprintf(os.Stderr, "%s: %d problem(s) in %d objects\n", *name, len(report.Problems), report.Objects)
		os.Exit(1)
	}
	if *rulesDir != "" {
		if _, err := writeRuleFiles(report.objects, *rulesDir); err != nil {
			fmt.Fprintf(os.Stderr, "%s: writing rule files: %v\n", *name, err)
			os.Exit(2)
		}
	}
	fmt.Println(report.Summary())
}

// Summary is the one line printed when every object passed.
func (r Report) Summary() string {
	line := fmt.Sprintf("%d objects valid (strict schemas, API validation, CRD schemas, pod security)", r.Objects)
	if len(r.ExternalSecrets) > 0 {
		line += "; Secrets the cluster must provide: " + strings.Join(r.ExternalSecrets, ", ")
	}
	return line
}
