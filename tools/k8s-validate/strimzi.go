package main

import (
	"fmt"
	"regexp"
	"sort"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// kafkaTopicKind is Strimzi's topic resource. Its CRD is not compiled into any library, so the
// rules below restate it (strimzi-kafka-operator, KafkaTopic v1beta2) plus what the Topic
// Operator needs to act on one.
var kafkaTopicKind = schema.GroupVersionKind{Group: "kafka.strimzi.io", Version: "v1beta2", Kind: "KafkaTopic"}

// strimziClusterLabel names the Kafka cluster a KafkaTopic belongs to; the Topic Operator
// ignores topics without it.
const strimziClusterLabel = "strimzi.io/cluster"

type kafkaTopic struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       *kafkaTopicSpec   `json:"spec"`
}

type kafkaTopicSpec struct {
	TopicName  string         `json:"topicName,omitempty"`
	Partitions *int32         `json:"partitions,omitempty"`
	Replicas   *int32         `json:"replicas,omitempty"`
	Config     map[string]any `json:"config,omitempty"`
}

// Kafka's own rule for topic names (kafka.common.internals.Topic).
var kafkaTopicName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// topicConfigs are the topic-level configs Kafka 4.x accepts; the broker refuses any other name,
// so a typo would only surface as a KafkaTopic stuck in NotReady.
var topicConfigs = map[string]bool{
	"cleanup.policy": true, "compression.type": true, "compression.gzip.level": true,
	"compression.lz4.level": true, "compression.zstd.level": true, "delete.retention.ms": true,
	"file.delete.delay.ms": true, "flush.messages": true, "flush.ms": true,
	"follower.replication.throttled.replicas": true, "index.interval.bytes": true,
	"leader.replication.throttled.replicas": true, "local.retention.bytes": true,
	"local.retention.ms": true, "max.compaction.lag.ms": true, "max.message.bytes": true,
	"message.timestamp.after.max.ms": true, "message.timestamp.before.max.ms": true,
	"message.timestamp.type": true, "min.cleanable.dirty.ratio": true,
	"min.compaction.lag.ms": true, "min.insync.replicas": true, "preallocate": true,
	"remote.log.copy.disable": true, "remote.log.delete.on.disable": true,
	"remote.storage.enable": true, "retention.bytes": true, "retention.ms": true,
	"segment.bytes": true, "segment.index.bytes": true, "segment.jitter.ms": true,
	"segment.ms": true, "unclean.leader.election.enable": true,
}

// validateKafkaTopic decodes a KafkaTopic strictly and checks what the CRD and the Topic
// Operator require, plus the project's rule that partitions and replicas are always explicit.
func validateKafkaTopic(doc []byte) []string {
	var topic kafkaTopic
	if err := yaml.UnmarshalStrict(doc, &topic); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, err := range apivalidation.ValidateObjectMeta(&topic.Metadata, true,
		apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")) {
		problems = append(problems, err.Error())
	}
	if topic.Metadata.Labels[strimziClusterLabel] == "" {
		problems = append(problems, fmt.Sprintf("metadata.labels: %s is required (the Topic Operator ignores the topic without it)", strimziClusterLabel))
	}
	spec := topic.Spec
	if spec == nil {
		return append(problems, "spec: Required value")
	}
	name := topic.Metadata.Name
	if spec.TopicName != "" {
		name = spec.TopicName
	}
	if !kafkaTopicName.MatchString(name) {
		problems = append(problems, fmt.Sprintf("spec.topicName: %q is not a valid Kafka topic name", name))
	}
	if spec.Partitions == nil || *spec.Partitions < 1 {
		problems = append(problems, "spec.partitions: Required value, at least 1")
	}
	if spec.Replicas == nil || *spec.Replicas < 1 || *spec.Replicas > 32767 {
		problems = append(problems, "spec.replicas: Required value, 1 to 32767")
	}
	keys := make([]string, 0, len(spec.Config))
	for key := range spec.Config {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if !topicConfigs[key] {
			problems = append(problems, fmt.Sprintf("spec.config.%s: not a Kafka topic config", key))
		}
		switch spec.Config[key].(type) {
		case string, float64, bool:
		default:
			problems = append(problems, fmt.Sprintf("spec.config.%s: must be a string, number or boolean", key))
		}
	}
	if isr, ok := spec.Config["min.insync.replicas"].(float64); ok && spec.Replicas != nil && int32(isr) > *spec.Replicas {
		problems = append(problems, fmt.Sprintf("spec.config.min.insync.replicas: %v is more than spec.replicas (%d): no write could succeed", isr, *spec.Replicas))
	}
	return problems
}
