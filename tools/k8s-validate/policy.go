package main

import (
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	psapi "k8s.io/pod-security-admission/api"
	pspolicy "k8s.io/pod-security-admission/policy"
)

// podTemplateOf returns the pod template of a workload, or nil.
func podTemplateOf(object runtime.Object) *corev1.PodTemplateSpec {
	switch workload := object.(type) {
	case *appsv1.Deployment:
		return &workload.Spec.Template
	case *appsv1.StatefulSet:
		return &workload.Spec.Template
	case *batchv1.Job:
		return &workload.Spec.Template
	}
	return nil
}

// longRunning says whether a kind's pods serve until replaced (and so need probes).
func longRunning(o Object) bool {
	return o.GVK.Kind == "Deployment" || o.GVK.Kind == "StatefulSet"
}

// checkPodSecurity evaluates every pod template against the Pod Security level its namespace
// enforces (pod-security.kubernetes.io/enforce), with the checks of the admission plugin itself.
// A template whose namespace is not among the manifests is not checked.
func checkPodSecurity(objects []Object) []string {
	evaluator, err := pspolicy.NewEvaluator(pspolicy.DefaultChecks(), nil)
	if err != nil {
		return []string{fmt.Sprintf("pod security evaluator: %v", err)}
	}
	namespaceLabels := map[string]map[string]string{}
	for _, o := range objects {
		if o.GVK.Kind == "Namespace" {
			namespaceLabels[o.Name] = o.Labels
		}
	}
	var problems []string
	for _, o := range objects {
		template := podTemplateOf(o.Versioned)
		nsLabels, known := namespaceLabels[o.Namespace]
		if template == nil || !known {
			continue
		}
		policy, errs := psapi.PolicyToEvaluate(nsLabels, psapi.Policy{
			Enforce: psapi.LevelVersion{Level: psapi.LevelPrivileged, Version: psapi.LatestVersion()},
		})
		if len(errs) > 0 {
			problems = append(problems, fmt.Sprintf("Namespace %s: %v", o.Namespace, errs.ToAggregate()))
			continue
		}
		result := pspolicy.AggregateCheckResults(evaluator.EvaluatePod(policy.Enforce, &template.ObjectMeta, &template.Spec))
		if !result.Allowed {
			problems = append(problems, fmt.Sprintf("%s: violates PodSecurity %q of its namespace: %s",
				o.Ref(), policy.Enforce.String(), forbidden(result)))
		}
	}
	return problems
}

func forbidden(result pspolicy.AggregateCheckResult) string {
	parts := make([]string, len(result.ForbiddenReasons))
	for i, reason := range result.ForbiddenReasons {
		parts[i] = reason
		if detail := result.ForbiddenDetails[i]; detail != "" {
			parts[i] += " (" + detail + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// inventory indexes the objects of each namespace by kind and name.
type inventory map[string]map[string]Object

func (inv inventory) get(namespace, kind, name string) (Object, bool) {
	o, ok := inv[namespace][kind+"/"+name]
	return o, ok
}

func indexObjects(objects []Object) inventory {
	inv := inventory{}
	for _, o := range objects {
		if inv[o.Namespace] == nil {
			inv[o.Namespace] = map[string]Object{}
		}
		inv[o.Namespace][o.GVK.Kind+"/"+o.Name] = o
	}
	return inv
}

// checkReferences checks that what objects name exists: ConfigMaps, claims and Services of pod
// templates, the pods that Services and PodDisruptionBudgets select, the targets of
// autoscalers. Secrets are often created outside the manifests: a required one that is
// missing is returned as external rather than reported.
func checkReferences(objects []Object) ([]string, []string) {
	inv := indexObjects(objects)
	var problems []string
	external := map[string]bool{}
	for _, o := range objects {
		if template := podTemplateOf(o.Versioned); template != nil {
			problems = append(problems, checkTemplateReferences(o, template, inv, external)...)
		}
		switch typed := o.Versioned.(type) {
		case *corev1.Service:
			problems = append(problems, checkServiceSelects(o, typed, objects)...)
		case *policyv1.PodDisruptionBudget:
			if !selectsAnyPod(o.Namespace, typed.Spec.Selector, objects) {
				problems = append(problems, o.Ref()+": spec.selector matches no pod template of a Deployment or StatefulSet")
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			problems = append(problems, checkAutoscalerTarget(o, typed, inv)...)
		case *appsv1.StatefulSet:
			if _, ok := inv.get(o.Namespace, "Service", typed.Spec.ServiceName); typed.Spec.ServiceName != "" && !ok {
				problems = append(problems, fmt.Sprintf("%s: spec.serviceName: Service %q is not in the manifests", o.Ref(), typed.Spec.ServiceName))
			}
		}
	}
	names := make([]string, 0, len(external))
	for name := range external {
		names = append(names, name)
	}
	sort.Strings(names)
	return problems, names
}

func checkTemplateReferences(o Object, template *corev1.PodTemplateSpec, inv inventory, external map[string]bool) []string {
	var problems []string
	configMap := func(path, name string, optional *bool) {
		if _, ok := inv.get(o.Namespace, "ConfigMap", name); !ok && (optional == nil || !*optional) {
			problems = append(problems, fmt.Sprintf("%s: %s: ConfigMap %q is not in the manifests", o.Ref(), path, name))
		}
	}
	secret := func(name string, optional *bool) {
		if _, ok := inv.get(o.Namespace, "Secret", name); !ok && (optional == nil || !*optional) {
			external[o.Namespace+"/"+name] = true
		}
	}
	containers := append(append([]corev1.Container{}, template.Spec.InitContainers...), template.Spec.Containers...)
	for _, c := range containers {
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil {
				configMap("container "+c.Name+" envFrom", from.ConfigMapRef.Name, from.ConfigMapRef.Optional)
			}
			if from.SecretRef != nil {
				secret(from.SecretRef.Name, from.SecretRef.Optional)
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom == nil {
				continue
			}
			if ref := env.ValueFrom.ConfigMapKeyRef; ref != nil {
				configMap("container "+c.Name+" env "+env.Name, ref.Name, ref.Optional)
			}
			if ref := env.ValueFrom.SecretKeyRef; ref != nil {
				secret(ref.Name, ref.Optional)
			}
		}
	}
	for _, v := range template.Spec.Volumes {
		switch {
		case v.ConfigMap != nil:
			configMap("volume "+v.Name, v.ConfigMap.Name, v.ConfigMap.Optional)
		case v.Secret != nil:
			secret(v.Secret.SecretName, v.Secret.Optional)
		case v.PersistentVolumeClaim != nil:
			if _, ok := inv.get(o.Namespace, "PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName); !ok {
				problems = append(problems, fmt.Sprintf("%s: volume %s: PersistentVolumeClaim %q is not in the manifests", o.Ref(), v.Name, v.PersistentVolumeClaim.ClaimName))
			}
		}
	}
	return problems
}

// servingTemplates are the pod templates of a namespace whose pods a Service or a disruption
// budget can mean: those of Deployments and StatefulSets.
func servingTemplates(namespace string, objects []Object) []*corev1.PodTemplateSpec {
	var templates []*corev1.PodTemplateSpec
	for _, o := range objects {
		if o.Namespace != namespace || !longRunning(o) {
			continue
		}
		// nil when the workload did not decode: reported already.
		if template := podTemplateOf(o.Versioned); template != nil {
			templates = append(templates, template)
		}
	}
	return templates
}

func selectsAnyPod(namespace string, selector *metav1.LabelSelector, objects []Object) bool {
	parsed, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil || parsed.Empty() {
		return false
	}
	for _, template := range servingTemplates(namespace, objects) {
		if parsed.Matches(labels.Set(template.Labels)) {
			return true
		}
	}
	return false
}

func checkServiceSelects(o Object, svc *corev1.Service, objects []Object) []string {
	if len(svc.Spec.Selector) == 0 {
		return nil // endpoints managed by hand, or ExternalName
	}
	selector := labels.SelectorFromSet(svc.Spec.Selector)
	var selected []*corev1.PodTemplateSpec
	for _, template := range servingTemplates(o.Namespace, objects) {
		if selector.Matches(labels.Set(template.Labels)) {
			selected = append(selected, template)
		}
	}
	if len(selected) == 0 {
		return []string{o.Ref() + ": spec.selector matches no pod template of a Deployment or StatefulSet"}
	}
	var problems []string
	for _, port := range svc.Spec.Ports {
		if !anyTemplateExposes(selected, port) {
			problems = append(problems, fmt.Sprintf("%s: port %q: targetPort %s is not a container port of the pods it selects",
				o.Ref(), port.Name, port.TargetPort.String()))
		}
	}
	return problems
}

func anyTemplateExposes(templates []*corev1.PodTemplateSpec, port corev1.ServicePort) bool {
	for _, template := range templates {
		for _, c := range template.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Protocol != port.Protocol {
					continue
				}
				if (port.TargetPort.StrVal != "" && cp.Name == port.TargetPort.StrVal) ||
					(port.TargetPort.StrVal == "" && cp.ContainerPort == port.TargetPort.IntVal) {
					return true
				}
			}
		}
	}
	return false
}

// checkAutoscalerTarget: what checkScaleTarget asks of an HPA's target, for the resources it
// measures in Utilization.
func checkAutoscalerTarget(o Object, hpa *autoscalingv2.HorizontalPodAutoscaler, inv inventory) []string {
	var measured []measuredResource
	for _, metric := range hpa.Spec.Metrics {
		if metric.Resource != nil && metric.Resource.Target.Type == autoscalingv2.UtilizationMetricType {
			measured = append(measured, measuredResource{name: metric.Resource.Name})
		}
	}
	ref := hpa.Spec.ScaleTargetRef
	return checkScaleTarget(o, ref.APIVersion, ref.Kind, ref.Name, measured, true, inv)
}

// measuredResource is a resource an autoscaler measures as utilisation of the request; `where`
// names the field that asks for it (empty when the object says it once).
type measuredResource struct {
	where string
	name  corev1.ResourceName
}

// checkScaleTarget holds what any autoscaler (an HPA, a KEDA ScaledObject) needs of its target:
// it exists, leaves its replica count to the autoscaler (a replicas field would be re-applied by
// every `kubectl apply`, undoing the autoscaler), and every container requests each resource the
// autoscaler measures utilisation of. With zeroStops, `replicas: 0` is allowed: a
// HorizontalPodAutoscaler leaves a target at zero alone (ScalingActive=False, ScalingDisabled)
// until someone scales it up, which is how a passive region holds its apps (k8s/overlays/region-b).
// KEDA scales such a target back up, so a ScaledObject's target is paused by annotation instead.
func checkScaleTarget(o Object, apiVersion, kind, name string, measured []measuredResource, zeroStops bool, inv inventory) []string {
	target, ok := inv.get(o.Namespace, kind, name)
	if !ok || apiVersion != "apps/v1" {
		return []string{fmt.Sprintf("%s: spec.scaleTargetRef: %s %s %q is not in the manifests", o.Ref(), apiVersion, kind, name)}
	}
	var problems []string
	switch {
	case target.ReplicasSet && target.ReplicasZero && !zeroStops:
		problems = append(problems, fmt.Sprintf("%s: spec.replicas is 0 while %s owns the replica count, which KEDA would scale back up; "+
			"remove it and annotate the ScaledObject with autoscaling.keda.sh/paused-replicas: \"0\" instead", target.Ref(), o.Ref()))
	case target.ReplicasSet && !target.ReplicasZero:
		problems = append(problems, fmt.Sprintf("%s: spec.replicas is set while %s owns the replica count; remove it", target.Ref(), o.Ref()))
	}
	template := podTemplateOf(target.Versioned)
	if template == nil {
		return problems
	}
	for _, resource := range measured {
		for _, c := range template.Spec.Containers {
			if _, requested := c.Resources.Requests[resource.name]; !requested {
				problems = append(problems, fmt.Sprintf("%s: %sscales on %s utilisation but container %s of %s requests no %s",
					o.Ref(), resource.where, resource.name, c.Name, target.Ref(), resource.name))
			}
		}
	}
	return problems
}

// checkWorkloadPolicy holds the project's rules for what runs: every container says what it
// needs (CPU and memory requests, a memory limit) and runs a pinned image; long-running
// containers have readiness and liveness probes; every Deployment has one autoscaler (a
// HorizontalPodAutoscaler or a KEDA ScaledObject, never both), a
// disruption budget, and a NetworkPolicy of its own (one whose podSelector is not empty: a
// namespace-wide default-deny alone does not say what the app may reach).
func checkWorkloadPolicy(objects []Object) []string {
	var problems []string
	autoscaled := map[string][]string{}
	for _, o := range objects {
		if hpa, ok := o.Versioned.(*autoscalingv2.HorizontalPodAutoscaler); ok {
			key := o.Namespace + "/" + hpa.Spec.ScaleTargetRef.Kind + "/" + hpa.Spec.ScaleTargetRef.Name
			autoscaled[key] = append(autoscaled[key], o.Ref())
		}
	}
	scaled := scaledObjectTargets(objects)
	for _, o := range objects {
		template := podTemplateOf(o.Versioned)
		if template == nil {
			continue
		}
		containers := append(append([]corev1.Container{}, template.Spec.InitContainers...), template.Spec.Containers...)
		for _, c := range containers {
			problems = append(problems, containerPolicy(o, c, longRunning(o))...)
		}
		if o.GVK.Kind != "Deployment" {
			continue
		}
		key := o.Namespace + "/Deployment/" + o.Name
		switch hpas, scalers := autoscaled[key], scaled[key]; {
		case len(hpas) > 0 && len(scalers) > 0:
			// KEDA creates a HorizontalPodAutoscaler for each ScaledObject: the two would fight.
			problems = append(problems, fmt.Sprintf(
				"%s: scaled by %s and by %s; a ScaledObject creates its own HorizontalPodAutoscaler: delete the other",
				o.Ref(), strings.Join(hpas, ", "), strings.Join(scalers, ", ")))
		case len(hpas)+len(scalers) != 1:
			problems = append(problems, fmt.Sprintf("%s: targeted by %d autoscalers (HorizontalPodAutoscalers, ScaledObjects), want 1",
				o.Ref(), len(hpas)+len(scalers)))
		}
		if !disruptionBudgetCovers(o, template, objects) {
			problems = append(problems, o.Ref()+": no PodDisruptionBudget selects its pods")
		}
		if !networkPolicyOwns(o, template, objects) {
			problems = append(problems, o.Ref()+": no NetworkPolicy of its own (non-empty podSelector) selects its pods")
		}
	}
	return problems
}

func containerPolicy(o Object, c corev1.Container, probes bool) []string {
	var problems []string
	where := fmt.Sprintf("%s: container %s", o.Ref(), c.Name)
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[name]; !ok {
			problems = append(problems, fmt.Sprintf("%s: resources.requests.%s is required", where, name))
		}
	}
	if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
		problems = append(problems, where+": resources.limits.memory is required")
	}
	if !pinned(c.Image) {
		problems = append(problems, fmt.Sprintf("%s: image %q needs a tag other than latest, or a digest", where, c.Image))
	}
	if probes && (c.ReadinessProbe == nil || c.LivenessProbe == nil) {
		problems = append(problems, where+": readinessProbe and livenessProbe are required")
	}
	return problems
}

// pinned says whether an image reference names a tag (not latest) or a digest.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	name := image[strings.LastIndex(image, "/")+1:]
	colon := strings.LastIndex(name, ":")
	return colon >= 0 && name[colon+1:] != "" && name[colon+1:] != "latest"
}

func disruptionBudgetCovers(o Object, template *corev1.PodTemplateSpec, objects []Object) bool {
	for _, other := range objects {
		pdb, ok := other.Versioned.(*policyv1.PodDisruptionBudget)
		if !ok || other.Namespace != o.Namespace {
			continue
		}
		selector, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err == nil && !selector.Empty() && selector.Matches(labels.Set(template.Labels)) {
			return true
		}
	}
	return false
}

// networkPolicyOwns says whether a NetworkPolicy with a non-empty podSelector selects the pods of
// a workload's template.
func networkPolicyOwns(o Object, template *corev1.PodTemplateSpec, objects []Object) bool {
	for _, other := range objects {
		policy, ok := other.Versioned.(*networkingv1.NetworkPolicy)
		if !ok || other.Namespace != o.Namespace {
			continue
		}
		selector, err := metav1.LabelSelectorAsSelector(&policy.Spec.PodSelector)
		if err == nil && !selector.Empty() && selector.Matches(labels.Set(template.Labels)) {
			return true
		}
	}
	return false
}
