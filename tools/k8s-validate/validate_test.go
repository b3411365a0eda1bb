package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small app that passes every check; each test below breaks one thing in it.
const valid = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { pod-security.kubernetes.io/enforce: restricted }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: shop-config, namespace: shop }
data: { LOG_LEVEL: info }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: registry.example/web:1.2.3
          ports: [{ name: http, containerPort: 8080 }]
          envFrom:
            - configMapRef: { name: shop-config }
            - secretRef: { name: web-secrets }
          readinessProbe: { httpGet: { path: /ready, port: http } }
          livenessProbe: { httpGet: { path: /live, port: http } }
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop, labels: { app: web } }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: shop }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: web } }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: [{ ports: [{ protocol: TCP, port: http }] }]
---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: { name: orders, namespace: kafka, labels: { strimzi.io/cluster: main } }
spec:
  partitions: 12
  replicas: 3
  config: { retention.ms: 604800000, min.insync.replicas: 2 }
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  endpoints: [{ port: http, path: /metrics, interval: 30s, honorLabels: true }]
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  podMetricsEndpoints: [{ port: http }]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: web, namespace: shop }
spec:
  groups:
    - name: web
      rules:
        - alert: WebDown
          expr: up{job="web"} == 0
          for: 5m
          labels: { severity: page }
`

// The same app scaled by KEDA on Kafka lag instead of by its HorizontalPodAutoscaler.
var scaledByKeda = strings.Replace(valid, `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
`, `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { name: web }
  minReplicaCount: 2
  maxReplicaCount: 12
  triggers:
    - type: kafka
      metadata: { bootstrapServersFromEnv: KAFKA_BROKERS, consumerGroup: web, topic: orders, lagThreshold: "100" }
    - type: cpu
      metricType: Utilization
      metadata: { value: "70" }
`, 1)

func TestAcceptsAValidApp(t *testing.T) {
	report := Validate([]byte(valid))
	if len(report.Problems) > 0 {
		t.Fatalf("want no problems, got:\n%s", strings.Join(report.Problems, "\n"))
	}
	if report.Objects != 11 {
		t.Errorf("want 11 objects, got %d", report.Objects)
	}
	if got := strings.Join(report.ExternalSecrets, ","); got != "shop/web-secrets" {
		t.Errorf("want the Secret the cluster must provide listed, got %q", got)
	}
}

func TestRefusesWhatAClusterWouldRefuse(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"a misspelt field", "readinessProbe:", "readinesProbe:", `unknown field "spec.template.spec.containers[0].readinesProbe"`},
		{"a wrong type", "maxReplicas: 4", "maxReplicas: four", "cannot unmarshal string"},
		{"a field given twice", "minReplicas: 2", "minReplicas: 2\n  minReplicas: 3", `key "minReplicas" already set`},
		{"an invalid name", "name: web, namespace: shop }\nspec:\n  selector: { matchLabels", "name: Web, namespace: shop }\nspec:\n  selector: { matchLabels", "metadata.name: Invalid value"},
		{"a selector that misses its template", "selector: { matchLabels: { app: web } }\n  template", "selector: { matchLabels: { app: api } }\n  template", "`selector` does not match template `labels`"},
		{"requests above the limit", "limits: { memory: 256Mi }", "limits: { memory: 64Mi }", "must be less than or equal to memory limit"},
		{"a removed API version", "apiVersion: autoscaling/v2", "apiVersion: autoscaling/v2beta2", "not a kind this validator knows"},
		{"a root pod in a restricted namespace", "runAsNonRoot: true, runAsUser: 1000", "runAsUser: 0", `violates PodSecurity "restricted:latest"`},
		{"a missing ConfigMap", "configMapRef: { name: shop-config }", "configMapRef: { name: shop-settings }", `ConfigMap "shop-settings" is not in the manifests`},
		{"a Service port no pod has", "targetPort: http", "targetPort: https", "targetPort https is not a container port"},
		{"replicas beside an autoscaler", "spec:\n  selector: { matchLabels: { app: web } }", "spec:\n  replicas: 2\n  selector: { matchLabels: { app: web } }", "spec.replicas is set while HorizontalPodAutoscaler"},
		{"an unpinned image", "image: registry.example/web:1.2.3", "image: registry.example/web", "needs a tag other than latest"},
		{"a container without probes", "          livenessProbe: { httpGet: { path: /live, port: http } }\n", "", "readinessProbe and livenessProbe are required"},
		{"a Deployment no NetworkPolicy of its own selects", "podSelector: { matchLabels: { app: web } }", "podSelector: {}", "no NetworkPolicy of its own"},
		{"a NetworkPolicy port that is not a port", "ports: [{ protocol: TCP, port: http }]", "ports: [{ protocol: TCP, port: 70000 }]", "spec.ingress[0].ports[0].port"},
		{"a KafkaTopic without its cluster", "labels: { strimzi.io/cluster: main }", "labels: {}", "strimzi.io/cluster is required"},
		{"a KafkaTopic with a misspelt config", "retention.ms: 604800000", "retention.msec: 604800000", "spec.config.retention.msec: not a Kafka topic config"},
		{"a KafkaTopic with an unknown field", "replicas: 3\n", "replicas: 3\n  replica: 3\n", `unknown field "replica"`},
		{"a KafkaTopic with more in sync than replicas", "min.insync.replicas: 2", "min.insync.replicas: 4", "no write could succeed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(valid, c.from) {
				t.Fatalf("test case does not apply: %q is not in the valid manifests", c.from)
			}
			report := Validate([]byte(strings.Replace(valid, c.from, c.to, 1)))
			all := strings.Join(report.Problems, "\n")
			if !strings.Contains(all, c.want) {
				t.Errorf("want a problem containing %q, got:\n%s", c.want, all)
			}
		})
	}
}

func TestAcceptsTheAppScaledByKeda(t *testing.T) {
	if scaledByKeda == valid {
		t.Fatal("test fixture: the HorizontalPodAutoscaler was not replaced")
	}
	report := Validate([]byte(scaledByKeda))
	if len(report.Problems) > 0 {
		t.Fatalf("want no problems, got:\n%s", strings.Join(report.Problems, "\n"))
	}
}

// Each case breaks one custom resource in the way a cluster with its CRD (or the operator's
// admission webhook) would refuse, or in a way that would leave it doing nothing.
func TestRefusesBrokenCustomResources(t *testing.T) {
	cases := []struct {
		name, manifests, from, to, want string
	}{
		{"a ServiceMonitor with a misspelt field", valid, "honorLabels: true", "honourLabels: true", `unknown field "spec.endpoints[0].honourLabels"`},
		{"a ServiceMonitor with an invalid interval", valid, "interval: 30s", "interval: 30 seconds", "spec.endpoints[0].interval"},
		{"a ServiceMonitor with a wrong type", valid, "honorLabels: true", "honorLabels: yes please", "spec.endpoints[0].honorLabels: Invalid value"},
		{"a ServiceMonitor scraping a port its Service lacks", valid, "[{ port: http, path: /metrics", "[{ port: metrics, path: /metrics", `Service web has no port named "metrics"`},
		{"a ServiceMonitor selecting no Service", valid, "kind: ServiceMonitor\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { app: web } }", "kind: ServiceMonitor\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { app: api } }", "matches no Service"},
		{"a PodMonitor scraping a port its pods lack", valid, "podMetricsEndpoints: [{ port: http }]", "podMetricsEndpoints: [{ port: metrics }]", `no container port named "metrics"`},
		{"a PrometheusRule without an expression", valid, "          expr: up{job=\"web\"} == 0\n", "", "spec.groups[0].rules[0].expr: Required value"},
		{"a PrometheusRule with a misspelt field", valid, "for: 5m", "fro: 5m", `unknown field "spec.groups[0].rules[0].fro"`},
		{"a ScaledObject with a number where KEDA wants a string", scaledByKeda, `lagThreshold: "100"`, "lagThreshold: 100", "spec.triggers[0].metadata.lagThreshold: Invalid value"},
		{"a ScaledObject with a misspelt field", scaledByKeda, "maxReplicaCount: 12", "maxReplicas: 12", `unknown field "spec.maxReplicas"`},
		{"a ScaledObject trigger without its type", scaledByKeda, "- type: kafka\n      metadata", "- metadata", "spec.triggers[0].type: Required value"},
		{"a ScaledObject aimed at no Deployment", scaledByKeda, "scaleTargetRef: { name: web }", "scaleTargetRef: { name: api }", `Deployment "api" is not in the manifests`},
		{"a ScaledObject with min above max", scaledByKeda, "maxReplicaCount: 12", "maxReplicaCount: 1", "minReplicaCount must be less than or equal to maxReplicaCount"},
		{"a Deployment with both an autoscaler and a ScaledObject", valid, "kind: KafkaTopic", "kind: KafkaTopic" + "\n" + "---\n" +
			"apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: { name: web, namespace: shop }\nspec:\n  scaleTargetRef: { name: web }\n" +
			"  triggers: [{ type: cpu, metricType: Utilization, metadata: { value: \"70\" } }]\n---\napiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic", "a ScaledObject creates its own HorizontalPodAutoscaler"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(c.manifests, c.from) {
				t.Fatalf("test case does not apply: %q is not in the manifests", c.from)
			}
			report := Validate([]byte(strings.Replace(c.manifests, c.from, c.to, 1)))
			all := strings.Join(report.Problems, "\n")
			if !strings.Contains(all, c.want) {
				t.Errorf("want a problem containing %q, got:\n%s", c.want, all)
			}
		})
	}
}

func TestWritesThePrometheusRuleGroupsAsARuleFile(t *testing.T) {
	manifests := strings.Replace(valid, "kind: PrometheusRule\nmetadata: { name: web, namespace: shop }",
		"kind: PrometheusRule\nmetadata: { name: web, namespace: shop, annotations: { platform/rules-file: web.rules.yml } }", 1)
	report := Validate([]byte(manifests))
	if len(report.Problems) > 0 {
		t.Fatalf("want no problems, got:\n%s", strings.Join(report.Problems, "\n"))
	}
	dir := t.TempDir()
	files, err := writeRuleFiles(report.objects, dir)
	if err != nil || len(files) != 1 || files[0] != filepath.Join(dir, "web.rules.yml") {
		t.Fatalf("want %s/web.rules.yml written, got %v, %v", dir, files, err)
	}
	data, _ := os.ReadFile(files[0])
	if !strings.HasPrefix(string(data), "groups:\n- name: web\n") || !strings.Contains(string(data), "alert: WebDown") {
		t.Errorf("want the rule groups, got:\n%s", data)
	}
}

// The app as a passive region holds it: stopped at zero beside its autoscaler, Kafka mirrored in
// by MirrorMaker 2, PostgreSQL a streaming replica of the active region's.
var passiveRegion = strings.Replace(valid, "spec:\n  selector: { matchLabels: { app: web } }\n  template",
	"spec:\n  replicas: 0\n  selector: { matchLabels: { app: web } }\n  template", 1) + `---
apiVersion: kafka.strimzi.io/v1
kind: KafkaMirrorMaker2
metadata: { name: a-to-b, namespace: kafka }
spec:
  replicas: 1
  target:
    alias: b
    bootstrapServers: main-kafka-bootstrap:9092
    groupId: mirror-maker-2
    configStorageTopic: mm2.configs
    offsetStorageTopic: mm2.offsets
    statusStorageTopic: mm2.status
  mirrors:
    - source: { alias: a, bootstrapServers: main-kafka-bootstrap.kafka.a.example:9092 }
      sourceConnector:
        config: { replication.policy.class: org.apache.kafka.connect.mirror.IdentityReplicationPolicy }
      checkpointConnector:
        config:
          replication.policy.class: org.apache.kafka.connect.mirror.IdentityReplicationPolicy
          emit.checkpoints.interval.seconds: 1
          sync.group.offsets.enabled: true
      topicsPattern: 'orders|orders\.dlq'
      groupsPattern: '.*'
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: postgres, namespace: shop }
spec:
  instances: 2
  storage: { size: 1Gi }
  bootstrap: { pg_basebackup: { source: region-a } }
  replica: { enabled: true, source: region-a }
  externalClusters:
    - name: region-a
      connectionParameters: { host: postgres.a.example, user: streaming_replica, dbname: postgres }
`

func TestAcceptsAPassiveRegion(t *testing.T) {
	report := Validate([]byte(passiveRegion))
	if len(report.Problems) > 0 {
		t.Fatalf("want no problems, got:\n%s", strings.Join(report.Problems, "\n"))
	}
	if report.Objects != 13 {
		t.Errorf("want 13 objects, got %d", report.Objects)
	}
}

// Each case breaks the passive region in a way the CRD, the operator's webhook or the failover
// itself would refuse.
func TestRefusesABrokenPassiveRegion(t *testing.T) {
	cases := []struct {
		name, manifests, from, to, want string
	}{
		{"a stopped Deployment that KEDA would scale up", strings.Replace(passiveRegion, "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler", "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject", 1),
			"spec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  minReplicas: 2\n  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }",
			"spec:\n  scaleTargetRef: { name: web }\n  triggers: [{ type: cpu, metricType: Utilization, metadata: { value: \"70\" } }]", "autoscaling.keda.sh/paused-replicas"},
		{"a MirrorMaker2 with a field of Strimzi's v1beta2", passiveRegion, "  mirrors:\n", "  clusters: []\n  mirrors:\n", `unknown field "spec.clusters"`},
		{"a MirrorMaker2 without its Connect group", passiveRegion, "    groupId: mirror-maker-2\n", "", "spec.target.groupId: Required value"},
		{"a MirrorMaker2 mirroring into itself", passiveRegion, "source: { alias: a,", "source: { alias: b,", "cannot mirror into itself"},
		{"a checkpoint connector with another replication policy", passiveRegion, "          replication.policy.class: org.apache.kafka.connect.mirror.IdentityReplicationPolicy\n", "",
			"translated offsets would name topics the target does not have"},
		{"group offsets synced without checkpoints", passiveRegion, "emit.checkpoints.interval.seconds: 1", "emit.checkpoints.enabled: false", "sync.group.offsets.enabled needs emit.checkpoints.enabled"},
		{"a replica Cluster with a misspelt field", passiveRegion, "replica: { enabled: true", "replica: { enable: true", `unknown field "spec.replica.enable"`},
		{"a replica Cluster of an unknown source", passiveRegion, "replica: { enabled: true, source: region-a }", "replica: { enabled: true, source: region-c }", `spec.replica.source: "region-c" is not one of spec.externalClusters`},
		{"a replica Cluster that is both standalone and distributed", passiveRegion, "replica: { enabled: true,", "replica: { enabled: true, primary: region-a,", "enabled and primary exclude each other"},
		{"a replica Cluster without a bootstrap from its source", passiveRegion, "  bootstrap: { pg_basebackup: { source: region-a } }\n", "", "a replica cluster is bootstrapped with pg_basebackup or recovery"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(c.manifests, c.from) {
				t.Fatalf("test case does not apply: %q is not in the manifests", c.from)
			}
			report := Validate([]byte(strings.Replace(c.manifests, c.from, c.to, 1)))
			all := strings.Join(report.Problems, "\n")
			if !strings.Contains(all, c.want) {
				t.Errorf("want a problem containing %q, got:\n%s", c.want, all)
			}
		})
	}
}
