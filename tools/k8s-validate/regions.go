package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The kinds of a passive region (k8s/overlays/region-b); their schemas come from crds/.
var (
	mirrorMaker2Kind = schema.GroupVersionKind{Group: "kafka.strimzi.io", Version: "v1", Kind: "KafkaMirrorMaker2"}
	cnpgClusterKind  = schema.GroupVersionKind{Group: "postgresql.cnpg.io", Version: "v1", Kind: "Cluster"}
)

// MirrorMaker's default when a connector names no replication.policy.class.
const defaultReplicationPolicy = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy"

type mirrorMaker2Spec struct {
	Target struct {
		Alias string `json:"alias"`
	} `json:"target"`
	Mirrors []struct {
		Source struct {
			Alias string `json:"alias"`
		} `json:"source"`
		SourceConnector *struct {
			Config map[string]any `json:"config"`
		} `json:"sourceConnector"`
		CheckpointConnector *struct {
			Config map[string]any `json:"config"`
		} `json:"checkpointConnector"`
	} `json:"mirrors"`
}

// checkMirrorMaker2 holds what the CRD cannot say about a KafkaMirrorMaker2 and what would leave
// it copying records but not the consumers' positions: a mirror from the target into itself, and
// a checkpoint connector whose replication policy is not the source connector's (it would name
// the target's topics differently, so its checkpoints and synced group offsets would point at
// topics that do not exist there).
func checkMirrorMaker2(o Object) []string {
	spec, err := specOf[mirrorMaker2Spec](o)
	if err != nil {
		return []string{fmt.Sprintf("%s: spec: %v", o.Ref(), err)}
	}
	var problems []string
	for i, mirror := range spec.Mirrors {
		if mirror.Source.Alias == spec.Target.Alias {
			problems = append(problems, fmt.Sprintf("%s: spec.mirrors[%d].source.alias: %q is the target's alias: a cluster cannot mirror into itself",
				o.Ref(), i, mirror.Source.Alias))
		}
		var source, checkpoint map[string]any
		if mirror.SourceConnector != nil {
			source = mirror.SourceConnector.Config
		}
		if mirror.CheckpointConnector != nil {
			checkpoint = mirror.CheckpointConnector.Config
		}
		if s, c := replicationPolicy(source), replicationPolicy(checkpoint); s != c {
			problems = append(problems, fmt.Sprintf("%s: spec.mirrors[%d]: the checkpoint connector's replication.policy.class (%s) is not the source connector's (%s): "+
				"translated offsets would name topics the target does not have", o.Ref(), i, c, s))
		}
		if fmt.Sprint(checkpoint["sync.group.offsets.enabled"]) == "true" && fmt.Sprint(checkpoint["emit.checkpoints.enabled"]) == "false" {
			problems = append(problems, fmt.Sprintf("%s: spec.mirrors[%d].checkpointConnector.config: sync.group.offsets.enabled needs emit.checkpoints.enabled",
				o.Ref(), i))
		}
	}
	return problems
}

func replicationPolicy(config map[string]any) string {
	if policy, ok := config["replication.policy.class"]; ok {
		return fmt.Sprint(policy)
	}
	return defaultReplicationPolicy
}

type cnpgClusterSpec struct {
	Bootstrap *struct {
		PgBaseBackup *struct {
			Source string `json:"source"`
		} `json:"pg_basebackup"`
		Recovery *struct {
			Source string `json:"source"`
		} `json:"recovery"`
	} `json:"bootstrap"`
	Replica *struct {
		Enabled *bool  `json:"enabled"`
		Primary string `json:"primary"`
		Self    string `json:"self"`
		Source  string `json:"source"`
	} `json:"replica"`
	ExternalClusters []struct {
		Name string `json:"name"`
	} `json:"externalClusters"`
}

// checkCNPGCluster holds what CloudNativePG's admission webhook refuses in a replica Cluster
// (cluster_webhook.go, validateReplicaMode and the bootstrap sources): each name it replicates or
// bootstraps from is one of its externalClusters, `enabled` (a standalone replica) and `primary`
// (a distributed topology) exclude each other, and a replica is bootstrapped from its source.
func checkCNPGCluster(o Object) []string {
	spec, err := specOf[cnpgClusterSpec](o)
	if err != nil {
		return []string{fmt.Sprintf("%s: spec: %v", o.Ref(), err)}
	}
	external := map[string]bool{}
	for _, cluster := range spec.ExternalClusters {
		external[cluster.Name] = true
	}
	var problems []string
	refer := func(path, name string) {
		if name != "" && !external[name] {
			problems = append(problems, fmt.Sprintf("%s: %s: %q is not one of spec.externalClusters", o.Ref(), path, name))
		}
	}
	if b := spec.Bootstrap; b != nil && b.PgBaseBackup != nil {
		refer("spec.bootstrap.pg_basebackup.source", b.PgBaseBackup.Source)
	}
	if b := spec.Bootstrap; b != nil && b.Recovery != nil {
		refer("spec.bootstrap.recovery.source", b.Recovery.Source)
	}
	replica := spec.Replica
	if replica == nil {
		return problems
	}
	refer("spec.replica.source", replica.Source)
	refer("spec.replica.self", replica.Self)
	refer("spec.replica.primary", replica.Primary)
	if replica.Enabled != nil && replica.Primary != "" {
		problems = append(problems, o.Ref()+": spec.replica: enabled and primary exclude each other (a standalone replica, or a distributed topology)")
	}
	self := replica.Self
	if self == "" {
		self = o.Name
	}
	isReplica := (replica.Enabled != nil && *replica.Enabled) || (replica.Primary != "" && replica.Primary != self)
	if isReplica && (spec.Bootstrap == nil || (spec.Bootstrap.PgBaseBackup == nil && spec.Bootstrap.Recovery == nil)) {
		problems = append(problems, o.Ref()+": spec.bootstrap: a replica cluster is bootstrapped with pg_basebackup or recovery from its source")
	}
	return problems
}
