package main

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The custom kinds that refer to other objects; their schemas come from crds/ (crds.go).
var (
	serviceMonitorKind = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}
	podMonitorKind     = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "PodMonitor"}
	prometheusRuleKind = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "PrometheusRule"}
	scaledObjectKind   = schema.GroupVersionKind{Group: "keda.sh", Version: "v1alpha1", Kind: "ScaledObject"}
)

// The parts of the custom resources the checks across objects read; the CRD schema has
// validated the rest already.
type monitorSpec struct {
	Selector          metav1.LabelSelector `json:"selector"`
	NamespaceSelector struct {
		Any        bool     `json:"any"`
		MatchNames []string `json:"matchNames"`
	} `json:"namespaceSelector"`
	Endpoints []struct {
		Port string `json:"port"`
	} `json:"endpoints"`
	PodMetricsEndpoints []struct {
		Port *string `json:"port"`
	} `json:"podMetricsEndpoints"`
}

type scaledObjectSpec struct {
	ScaleTargetRef struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Name       string `json:"name"`
	} `json:"scaleTargetRef"`
	Triggers []struct {
		Type       string            `json:"type"`
		MetricType string            `json:"metricType"`
		Metadata   map[string]string `json:"metadata"`
	} `json:"triggers"`
}

// specOf converts a custom resource's spec into one of the types above.
func specOf[T any](o Object) (T, error) {
	var spec T
	raw, _ := o.Custom.Object["spec"].(map[string]any)
	err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &spec)
	return spec, err
}

// checkOperatorReferences checks what the custom resources point at: a ServiceMonitor selects a
// Service of the manifests that has the ports it scrapes, a PodMonitor the pod template of a
// workload with those container ports, and a ScaledObject a Deployment that leaves it the replica
// count and requests what its cpu or memory triggers measure.
func checkOperatorReferences(objects []Object) []string {
	var problems []string
	for _, o := range objects {
		if o.Custom == nil {
			continue
		}
		switch o.GVK {
		case serviceMonitorKind:
			problems = append(problems, checkServiceMonitor(o, objects)...)
		case podMonitorKind:
			problems = append(problems, checkPodMonitor(o, objects)...)
		case scaledObjectKind:
			problems = append(problems, checkScaledObjectTarget(o, indexObjects(objects))...)
		case mirrorMaker2Kind:
			problems = append(problems, checkMirrorMaker2(o)...)
		case cnpgClusterKind:
			problems = append(problems, checkCNPGCluster(o)...)
		}
	}
	return problems
}

// monitoredNamespace is the namespace a monitor's selector looks in, or "" when it looks
// elsewhere than its own (then the manifests cannot tell what it finds).
func monitoredNamespace(o Object, spec monitorSpec) string {
	switch {
	case spec.NamespaceSelector.Any:
		return ""
	case len(spec.NamespaceSelector.MatchNames) == 0:
		return o.Namespace
	case len(spec.NamespaceSelector.MatchNames) == 1:
		return spec.NamespaceSelector.MatchNames[0]
	}
	return ""
}

func checkServiceMonitor(o Object, objects []Object) []string {
	spec, err := specOf[monitorSpec](o)
	if err != nil {
		return []string{fmt.Sprintf("%s: spec: %v", o.Ref(), err)}
	}
	namespace := monitoredNamespace(o, spec)
	selector, err := metav1.LabelSelectorAsSelector(&spec.Selector)
	if namespace == "" || err != nil {
		return nil
	}
	var selected []*corev1.Service
	for _, other := range objects {
		if svc, ok := other.Versioned.(*corev1.Service); ok && other.Namespace == namespace && selector.Matches(labels.Set(other.Labels)) {
			selected = append(selected, svc)
		}
	}
	if len(selected) == 0 {
		return []string{o.Ref() + ": spec.selector matches no Service's labels in namespace " + namespace}
	}
	var problems []string
	for i, endpoint := range spec.Endpoints {
		if endpoint.Port == "" {
			continue // targetPort instead, deprecated
		}
		for _, svc := range selected {
			if !servicePortNamed(svc, endpoint.Port) {
				problems = append(problems, fmt.Sprintf("%s: spec.endpoints[%d].port: Service %s has no port named %q", o.Ref(), i, svc.Name, endpoint.Port))
			}
		}
	}
	return problems
}

func servicePortNamed(svc *corev1.Service, name string) bool {
	for _, port := range svc.Spec.Ports {
		if port.Name == name {
			return true
		}
	}
	return false
}

func checkPodMonitor(o Object, objects []Object) []string {
	spec, err := specOf[monitorSpec](o)
	if err != nil {
		return []string{fmt.Sprintf("%s: spec: %v", o.Ref(), err)}
	}
	namespace := monitoredNamespace(o, spec)
	selector, err := metav1.LabelSelectorAsSelector(&spec.Selector)
	if namespace == "" || err != nil {
		return nil
	}
	var selected []*corev1.PodTemplateSpec
	for _, template := range servingTemplates(namespace, objects) {
		if selector.Matches(labels.Set(template.Labels)) {
			selected = append(selected, template)
		}
	}
	if len(selected) == 0 {
		return []string{o.Ref() + ": spec.selector matches no pod template of a Deployment or StatefulSet in namespace " + namespace}
	}
	var problems []string
	for i, endpoint := range spec.PodMetricsEndpoints {
		if endpoint.Port == nil {
			continue
		}
		for _, template := range selected {
			if !containerPortNamed(template, *endpoint.Port) {
				problems = append(problems, fmt.Sprintf("%s: spec.podMetricsEndpoints[%d].port: pods labelled %v have no container port named %q",
					o.Ref(), i, labels.Set(template.Labels), *endpoint.Port))
			}
		}
	}
	return problems
}

func containerPortNamed(template *corev1.PodTemplateSpec, name string) bool {
	for _, c := range template.Spec.Containers {
		for _, port := range c.Ports {
			if port.Name == name {
				return true
			}
		}
	}
	return false
}

// checkScaledObjectTarget holds what KEDA's admission webhook refuses (beyond the CRD's own CEL
// rules) and what would undo the autoscaler: checkScaleTarget, for the cpu and memory triggers
// that measure Utilization.
func checkScaledObjectTarget(o Object, inv inventory) []string {
	spec, err := specOf[scaledObjectSpec](o)
	if err != nil {
		return []string{fmt.Sprintf("%s: spec: %v", o.Ref(), err)}
	}
	ref := spec.ScaleTargetRef
	if ref.APIVersion == "" {
		ref.APIVersion = "apps/v1"
	}
	if ref.Kind == "" {
		ref.Kind = "Deployment"
	}
	var measured []measuredResource
	for i, trigger := range spec.Triggers {
		if (trigger.Type == "cpu" || trigger.Type == "memory") && trigger.MetricType != "AverageValue" && trigger.MetricType != "Value" {
			measured = append(measured, measuredResource{where: fmt.Sprintf("spec.triggers[%d] ", i), name: corev1.ResourceName(trigger.Type)})
		}
	}
	return checkScaleTarget(o, ref.APIVersion, ref.Kind, ref.Name, measured, false, inv)
}

// scaledObjectTargets counts, per "namespace/Kind/name", the ScaledObjects that scale it.
func scaledObjectTargets(objects []Object) map[string][]string {
	targets := map[string][]string{}
	for _, o := range objects {
		if o.GVK != scaledObjectKind || o.Custom == nil {
			continue
		}
		spec, err := specOf[scaledObjectSpec](o)
		if err != nil {
			continue
		}
		kind := spec.ScaleTargetRef.Kind
		if kind == "" {
			kind = "Deployment"
		}
		key := o.Namespace + "/" + kind + "/" + spec.ScaleTargetRef.Name
		targets[key] = append(targets[key], o.Ref())
	}
	return targets
}
