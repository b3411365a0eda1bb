package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured/unstructuredscheme"
	"k8s.io/apimachinery/pkg/runtime/schema"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/yaml"
)

// The CustomResourceDefinitions of the operators the manifests rely on (prometheus-operator's
// ServiceMonitor, PodMonitor and PrometheusRule, KEDA's ScaledObject), copied from their pinned
// Go modules by crds/refresh.sh, which names the versions. Custom resources of these kinds get
// what kube-apiserver does to them once the CRD is installed: strict decoding (unknown fields
// pruned and reported, as fieldValidation=Strict does), the schema's defaults, the
// openAPIV3Schema validation, metadata and list-type checks and the CRD's CEL rules.
//
//go:embed crds/*.yaml
var crdFiles embed.FS

// customKind is one served version of a CRD, ready to validate objects the way the API server's
// handler for that CRD does (apiextensions-apiserver's customresource_handler.go).
type customKind struct {
	structural *structuralschema.Structural
	strategy   rest.RESTCreateStrategy
}

var (
	customKindsOnce sync.Once
	customKinds     map[schema.GroupVersionKind]*customKind
	customKindsErr  error
)

// loadCustomKinds reads the embedded CRDs once.
func loadCustomKinds() (map[schema.GroupVersionKind]*customKind, error) {
	customKindsOnce.Do(func() {
		customKinds = map[schema.GroupVersionKind]*customKind{}
		paths, err := fs.Glob(crdFiles, "crds/*.yaml")
		if err != nil {
			customKindsErr = err
			return
		}
		for _, path := range paths {
			if err := loadCRD(path); err != nil {
				customKindsErr = fmt.Errorf("%s: %w", path, err)
				return
			}
		}
	})
	return customKinds, customKindsErr
}

func loadCRD(path string) error {
	data, err := crdFiles.ReadFile(path)
	if err != nil {
		return err
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(data, &crd); err != nil {
		return err
	}
	for _, version := range crd.Spec.Versions {
		if !version.Served {
			continue
		}
		kind, err := newCustomKind(&crd, version)
		if err != nil {
			return fmt.Errorf("version %s: %w", version.Name, err)
		}
		customKinds[schema.GroupVersionKind{Group: crd.Spec.Group, Version: version.Name, Kind: crd.Spec.Names.Kind}] = kind
	}
	return nil
}

func newCustomKind(crd *apiextensionsv1.CustomResourceDefinition, version apiextensionsv1.CustomResourceDefinitionVersion) (*customKind, error) {
	v1Validation, err := apihelpers.GetSchemaForVersion(crd, version.Name)
	if err != nil || v1Validation == nil {
		return nil, fmt.Errorf("no openAPIV3Schema: %v", err)
	}
	validation := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v1Validation, validation, nil); err != nil {
		return nil, err
	}
	structural, err := structuralschema.NewStructural(validation.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("not a structural schema: %w", err)
	}
	structural = structural.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(structural); err != nil {
		return nil, err
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(validation.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	var status *apiextensions.CustomResourceSubresourceStatus
	var scale *apiextensions.CustomResourceSubresourceScale
	if sub, _ := apihelpers.GetSubresourcesForVersion(crd, version.Name); sub != nil {
		if sub.Status != nil {
			status = &apiextensions.CustomResourceSubresourceStatus{}
		}
		if sub.Scale != nil {
			scale = &apiextensions.CustomResourceSubresourceScale{}
			if err := apiextensionsv1.Convert_v1_CustomResourceSubresourceScale_To_apiextensions_CustomResourceSubresourceScale(sub.Scale, scale, nil); err != nil {
				return nil, err
			}
		}
	}
	gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: version.Name, Kind: crd.Spec.Names.Kind}
	strategy := customresource.NewStrategy(unstructuredscheme.NewUnstructuredObjectTyper(),
		crd.Spec.Scope == apiextensionsv1.NamespaceScoped, gvk, validator, nil, structural, status, scale, version.SelectableFields)
	return &customKind{structural: structural, strategy: strategy}, nil
}

// customKindList names the custom kinds the validator knows, for messages.
func customKindList() string {
	kinds, _ := loadCustomKinds()
	names := []string{kafkaTopicKind.GroupVersion().String() + " " + kafkaTopicKind.Kind}
	for gvk := range kinds {
		names = append(names, gvk.GroupVersion().String()+" "+gvk.Kind)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// validateCustom runs what kube-apiserver runs on the create of a custom resource: strict
// decoding (duplicate and unknown fields), pruning and defaulting by the structural schema, then
// the CRD's validation (openAPIV3Schema, metadata, list types, CEL rules). The object it returns
// is the defaulted one, for the checks across objects.
func validateCustom(doc []byte, kind *customKind, object *Object) []string {
	json, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return []string{err.Error()}
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(json); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	_, _, unknownMeta, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object,
		schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return []string{err.Error()}
	}
	unknown := append(unknownMeta, structuralpruning.PruneWithOptions(u.Object, kind.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	for _, path := range unknown {
		problems = append(problems, fmt.Sprintf("unknown field %q", path))
	}
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, kind.structural)
	if fieldErr, _ := schemaobjectmeta.CoerceWithOptions(nil, u.Object, kind.structural, false, schemaobjectmeta.CoerceOptions{}); fieldErr != nil {
		problems = append(problems, fieldErr.Error())
	}
	if len(problems) > 0 {
		return problems
	}
	structuraldefaulting.Default(u.Object, kind.structural)

	if kind.strategy.NamespaceScoped() && u.GetNamespace() == "" {
		return []string{"metadata.namespace: the object is namespaced and has none"}
	}
	rest.FillObjectMetaSystemFields(u)
	ctx := genericapirequest.WithNamespace(context.Background(), u.GetNamespace())
	if err := rest.BeforeCreate(kind.strategy, ctx, u); err != nil {
		return statusProblems(err)
	}
	object.Custom = u
	return nil
}
