package main

import (
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
metadata: { name: web, namespace: shop }
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
`

func TestAcceptsAValidApp(t *testing.T) {
	report := Validate([]byte(valid))
	if len(report.Problems) > 0 {
		t.Fatalf("want no problems, got:\n%s", strings.Join(report.Problems, "\n"))
	}
	if report.Objects != 8 {
		t.Errorf("want 8 objects, got %d", report.Objects)
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
