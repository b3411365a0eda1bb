import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicNames } from '@platform/contracts';
import { parseAllDocuments } from 'yaml';
import { readCommitted } from './generated-files';
import { MIRROR_MAKER_PATH, mirrorMakerResource, type KafkaMirrorMaker2Resource } from './mirror-maker';

// Region B's MirrorMaker 2 is generated from the topic registry and committed; a topic it does not
// mirror would be empty in B after a failover, whatever the drill measured.
const root = join(__dirname, '../..');
const [committed] = readCommitted(MIRROR_MAKER_PATH) as KafkaMirrorMaker2Resource[];

/** MirrorMaker matches topicsPattern against the whole topic name (Java's Pattern.matches). */
function mirrors(pattern: string, topic: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(topic);
}

describe("region B's MirrorMaker 2", () => {
  it('is the one the topic registry generates', () => {
    expect(committed).toEqual(mirrorMakerResource());
  });

  it('mirrors every topic of the registry, with its retry and DLQ topics', () => {
    const [mirror] = committed.spec.mirrors;
    expect(allTopicNames().filter((topic) => !mirrors(mirror.topicsPattern, topic))).toEqual([]);
  });

  it("mirrors no other topic, MirrorMaker's own included", () => {
    const [mirror] = committed.spec.mirrors;
    const others = [
      'mm2-offset-syncs.region-b.internal',
      'heartbeats',
      'region-a.checkpoints.internal',
      'orderXevents',
    ];
    expect(others.filter((topic) => mirrors(mirror.topicsPattern, topic))).toEqual([]);
  });

  it("keeps the topic names and syncs every group but B's warm analytics-ingest, as the local drill does", () => {
    const [mirror] = committed.spec.mirrors;
    const identity = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';
    expect(mirror.sourceConnector.config['replication.policy.class']).toBe(identity);
    expect(mirror.checkpointConnector.config['replication.policy.class']).toBe(identity);
    expect(mirror.checkpointConnector.config['sync.group.offsets.enabled']).toBe(true);
    expect(mirror.groupsPattern).toBe('.*');
    expect(mirror.groupsExcludePattern).toBe('analytics-ingest');
  });
});

interface ClusterDocument {
  kind: string;
  spec: {
    replica?: { enabled?: boolean; source?: string };
    bootstrap?: { pg_basebackup?: { source: string } };
  };
}

describe("region B's PostgreSQL", () => {
  const [cluster] = parseAllDocuments(
    readFileSync(join(root, 'k8s/overlays/region-b/postgres-replica.yaml'), 'utf8'),
  )
    .map((document) => document.toJS() as ClusterDocument)
    .filter((document) => document.kind === 'Cluster');

  it("is a replica of region A's, cloned from it, until the runbook promotes it", () => {
    expect(cluster.spec.replica).toEqual({ enabled: true, source: 'region-a' });
    expect(cluster.spec.bootstrap?.pg_basebackup?.source).toBe('region-a');
  });
});
