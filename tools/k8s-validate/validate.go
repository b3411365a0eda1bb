package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"sigs.k8s.io/yaml"

	// The API groups the manifests may use: their types, defaults, conversions and declarative
	// validation, registered in legacyscheme.Scheme as in kube-apiserver.
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"

	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
)

// servedKinds are the built-in kinds the manifests may use, at the API versions Kubernetes 1.37
// serves for them. The scheme also knows long-removed versions (apps/v1beta2, ...): a cluster
// would refuse those, so they are refused here too. Add a kind with its registry strategy.
var servedKinds = map[schema.GroupVersionKind]rest.RESTCreateStrategy{
	{Version: "v1", Kind: "Namespace"}:                                     namespace.Strategy,
	{Version: "v1", Kind: "ConfigMap"}:                                     configmap.Strategy,
	{Version: "v1", Kind: "Secret"}:                                        secret.Strategy,
	{Version: "v1", Kind: "Service"}:                                       service.Strategy,
	{Version: "v1", Kind: "PersistentVolumeClaim"}:                         persistentvolumeclaim.Strategy,
	{Group: "apps", Version: "v1", Kind: "Deployment"}:                     deployment.Strategy,
	{Group: "apps", Version: "v1", Kind: "StatefulSet"}:                    statefulset.Strategy,
	{Group: "batch", Version: "v1", Kind: "Job"}:                           job.Strategy,
	{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"}: horizontalpodautoscaler.Strategy,
	{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget"}:          poddisruptionbudget.Strategy,
	{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy"}:     networkpolicy.Strategy,
}

// strictCodec decodes YAML into the versioned Go types and reports unknown and duplicate fields,
// as the API server does for `fieldValidation=Strict`.
var strictCodec = json.NewSerializerWithOptions(json.DefaultMetaFactory, legacyscheme.Scheme, legacyscheme.Scheme,
	json.SerializerOptions{Yaml: true, Strict: true})

// Report is what Validate found.
type Report struct {
	Objects  int
	Problems []string
	Warnings []string
	// Secrets referenced without `optional: true` that the manifests do not contain: they must
	// exist in the cluster before the pods can start.
	ExternalSecrets []string
	// The decoded objects, for what main does with them after validation.
	objects []Object
}

// Object is one decoded manifest: the versioned built-in object after defaulting, or the
// defaulted custom resource of a kind with a CRD in crds/, and what the cross-object checks need
// to know about it.
type Object struct {
	GVK       schema.GroupVersionKind
	Namespace string
	Name      string
	Labels    map[string]string
	Versioned runtime.Object
	Custom    *unstructured.Unstructured
	// ReplicasSet says whether the manifest itself set spec.replicas (before defaulting), and
	// ReplicasZero whether it set it to 0.
	ReplicasSet, ReplicasZero bool
}

// Ref names an object in messages the way kubectl does: Kind namespace/name.
func (o Object) Ref() string {
	if o.Namespace == "" {
		return o.GVK.Kind + " " + o.Name
	}
	return o.GVK.Kind + " " + o.Namespace + "/" + o.Name
}

// Validate checks a stream of YAML documents; see the package comment for what it checks.
func Validate(manifests []byte) Report {
	var report Report
	var objects []Object
	docs, err := splitDocuments(manifests)
	if err != nil {
		report.Problems = append(report.Problems, err.Error())
		return report
	}
	undecoded := 0
	for i, doc := range docs {
		object, problems, warnings := decode(doc)
		if len(problems) > 0 && object.Versioned == nil && object.Custom == nil && object.GVK != kafkaTopicKind {
			undecoded++
		}
		if object.Name == "" {
			object.Name = fmt.Sprintf("(document %d)", i+1)
		}
		for _, p := range problems {
			report.Problems = append(report.Problems, object.Ref()+": "+p)
		}
		for _, w := range warnings {
			report.Warnings = append(report.Warnings, object.Ref()+": "+w)
		}
		objects = append(objects, object)
	}
	report.Objects = len(objects)
	report.objects = objects
	if undecoded > 0 {
		// What refers to an object that did not decode would only repeat its problem.
		report.Warnings = append(report.Warnings, fmt.Sprintf(
			"checks across objects skipped until %d object(s) decode", undecoded))
		return report
	}
	report.Problems = append(report.Problems, checkPodSecurity(objects)...)
	problems, externalSecrets := checkReferences(objects)
	report.Problems = append(report.Problems, problems...)
	report.Problems = append(report.Problems, checkOperatorReferences(objects)...)
	report.ExternalSecrets = externalSecrets
	report.Problems = append(report.Problems, checkWorkloadPolicy(objects)...)
	return report
}

// splitDocuments returns the non-empty documents of a multi-document YAML stream.
func splitDocuments(manifests []byte) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(manifests)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading YAML: %w", err)
		}
		var content any
		if err := yaml.Unmarshal(doc, &content); err != nil {
			return nil, fmt.Errorf("invalid YAML: %w", err)
		}
		if content != nil {
			docs = append(docs, doc)
		}
	}
}

// decode identifies one document and runs the checks its kind has.
func decode(doc []byte) (Object, []string, []string) {
	var header struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        struct {
			Name      string            `json:"name"`
			Namespace string            `json:"namespace"`
			Labels    map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(doc, &header); err != nil {
		return Object{}, []string{fmt.Sprintf("unreadable object: %v", err)}, nil
	}
	object := Object{
		GVK:       header.GroupVersionKind(),
		Namespace: header.Metadata.Namespace,
		Name:      header.Metadata.Name,
		Labels:    header.Metadata.Labels,
	}
	if object.GVK.Kind == "" || object.GVK.Version == "" {
		return object, []string{"apiVersion and kind are required"}, nil
	}
	if object.GVK == kafkaTopicKind {
		return object, validateKafkaTopic(doc), nil
	}
	custom, err := loadCustomKinds()
	if err != nil {
		return object, []string{fmt.Sprintf("the embedded CRDs do not load: %v", err)}, nil
	}
	if kind, ok := custom[object.GVK]; ok {
		return object, validateCustom(doc, kind, &object), nil
	}
	strategy, known := servedKinds[object.GVK]
	if !known {
		return object, []string{fmt.Sprintf(
			"%s is not a kind this validator knows (served built-ins: %s; custom: %s); teach tools/k8s-validate before using it",
			object.GVK.GroupVersion().String()+" "+object.GVK.Kind, servedKindList(), customKindList())}, nil
	}
	problems, warnings := validateBuiltin(doc, strategy, &object)
	return object, problems, warnings
}

// validateBuiltin runs what kube-apiserver runs on a create: strict decoding, defaulting,
// conversion to the internal version, the registry strategy's PrepareForCreate and validation.
func validateBuiltin(doc []byte, strategy rest.RESTCreateStrategy, object *Object) ([]string, []string) {
	versioned, _, err := strictCodec.Decode(doc, nil, nil)
	if strict, ok := runtime.AsStrictDecodingError(err); ok {
		var problems []string
		for _, e := range strict.Errors() {
			problems = append(problems, e.Error())
		}
		return problems, nil
	}
	if err != nil {
		return []string{err.Error()}, nil
	}
	object.ReplicasSet, object.ReplicasZero = replicasSet(versioned)

	legacyscheme.Scheme.Default(versioned)
	object.Versioned = versioned
	internal, err := legacyscheme.Scheme.ConvertToVersion(versioned.DeepCopyObject(),
		schema.GroupVersion{Group: object.GVK.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		return []string{fmt.Sprintf("converting to the internal version: %v", err)}, nil
	}
	accessor, err := meta.Accessor(internal)
	if err != nil {
		return []string{err.Error()}, nil
	}
	if strategy.NamespaceScoped() && accessor.GetNamespace() == "" {
		// kubectl would put it in whatever namespace the current context has.
		return []string{"metadata.namespace: the object is namespaced and has none"}, nil
	}
	rest.FillObjectMetaSystemFields(accessor)

	plural, _ := meta.UnsafeGuessKindToResource(object.GVK)
	ctx := genericapirequest.WithNamespace(context.Background(), accessor.GetNamespace())
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIGroup: object.GVK.Group, APIVersion: object.GVK.Version,
		Namespace: accessor.GetNamespace(), Resource: plural.Resource, Name: accessor.GetName(),
	})
	recorder := &warningRecorder{}
	ctx = warning.WithWarningRecorder(ctx, recorder)
	if err := rest.BeforeCreate(strategy, ctx, internal); err != nil {
		return statusProblems(err), recorder.warnings
	}
	return nil, recorder.warnings
}

// statusProblems turns the API's Invalid error into one line per field.
func statusProblems(err error) []string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil || len(status.Status().Details.Causes) == 0 {
		return []string{err.Error()}
	}
	var problems []string
	for _, cause := range status.Status().Details.Causes {
		problems = append(problems, cause.Field+": "+cause.Message)
	}
	return problems
}

// replicasSet reports whether a workload's manifest set spec.replicas itself, and to 0.
func replicasSet(object runtime.Object) (bool, bool) {
	var replicas *int32
	switch workload := object.(type) {
	case *appsv1.Deployment:
		replicas = workload.Spec.Replicas
	case *appsv1.StatefulSet:
		replicas = workload.Spec.Replicas
	}
	return replicas != nil, replicas != nil && *replicas == 0
}

type warningRecorder struct{ warnings []string }

func (r *warningRecorder) AddWarning(_, text string) { r.warnings = append(r.warnings, text) }

func servedKindList() string {
	var kinds []string
	for gvk := range servedKinds {
		kinds = append(kinds, gvk.GroupVersion().String()+" "+gvk.Kind)
	}
	sort.Strings(kinds)
	return strings.Join(kinds, ", ")
}
