// One region's six apps, on ports of their own, against that region's servers. Both regions use
// the same database names and consumer groups: B's databases are A's (replicated), and B's
// consumers resume where MirrorMaker 2 translated A's offsets. Only analytics-ingest, kept warm in
// the passive region, has a group of its own per region and generation: MirrorMaker must never
// move the offsets of a consumer that feeds the passive region's ClickHouse.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, type RunningApp } from '../system.spec-helper';
import { APPS, systemEnvironments, systemRun, type AppName } from '../whole-system.spec-helper';
import type { Region } from './regions';

/** The drill's one set of names (databases, groups): its servers are fresh for every run. */
export const DRILL_RUN = 'drill';
export const { stores, groups } = systemRun(DRILL_RUN);

/** The variable each app reads its public port from. */
const HTTP_PORT_VARIABLES: Record<AppName, string> = {
  'api-gateway': 'GATEWAY_HTTP_PORT',
  'auth-service': 'AUTH_HTTP_PORT',
  'order-service': 'ORDER_HTTP_PORT',
  'notification-service': 'NOTIFICATION_HTTP_PORT',
  'analytics-ingest': 'ANALYTICS_HTTP_PORT',
  'dlq-consumer': 'DLQ_HTTP_PORT',
};

export class RegionApps {
  readonly apps = new Map<AppName, RunningApp>();

  private constructor(
    readonly region: Region,
    readonly envs: Record<AppName, Record<string, string>>,
    /** Every app this region ever started, for the drill's clean-up. */
    private readonly started: RunningApp[],
  ) {}

  /** `generation` counts the times the region became passive: it names the warm analytics group. */
  static async create(region: Region, generation: number, started: RunningApp[]): Promise<RegionApps> {
    const ports = {} as Record<AppName, number>;
    const metricsPorts = {} as Record<AppName, number>;
    for (const app of APPS) {
      ports[app] = await freePort();
      metricsPorts[app] = await freePort();
    }
    const envs = systemEnvironments({
      run: DRILL_RUN,
      ports,
      metricsPorts,
      stores,
      groups,
      mailDir: join(tmpdir(), `drill_mail_${region.name}`),
      servers: region.servers,
      // Four customers at several stories a second would pass the per-user limits: the drill
      // measures a failover, not limits.
      common: { GATEWAY_RATE_LIMITS: 'standard=1000000/60,auth=100000/60' },
    });
    envs['analytics-ingest'] = {
      ...envs['analytics-ingest'],
      ANALYTICS_CONSUMER_GROUP: `${groups.analytics}_${region.name}${generation}`,
      // A region's ClickHouse is built from the whole log its Kafka holds (mirrored, or its own).
      ANALYTICS_FROM_BEGINNING: 'true',
    };
    return new RegionApps(region, envs, started);
  }

  /** The warm analytics consumer's group in this region. */
  get analyticsGroup(): string {
    return this.envs['analytics-ingest']['ANALYTICS_CONSUMER_GROUP'] as string;
  }

  /** Starts the apps together and resolves when every one is ready. */
  async start(...names: AppName[]): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        const port = Number(this.envs[name][HTTP_PORT_VARIABLES[name]]);
        const app = await startApp(name, port, this.envs[name], { readyTimeoutMs: 120_000 });
        this.apps.set(name, app);
        this.started.push(app);
      }),
    );
  }

  get gatewayUrl(): string {
    const gateway = this.apps.get('api-gateway');
    if (!gateway) throw new Error(`region ${this.region.name} has no gateway running`);
    return gateway.url;
  }

  /** SIGTERM (a drain) or SIGKILL (a lost region) to the named apps, by default every one running. */
  async stop(signal: NodeJS.Signals, names: AppName[] = [...this.apps.keys()]): Promise<void> {
    await Promise.all(names.map((name) => this.apps.get(name)?.kill(signal)));
    for (const name of names) this.apps.delete(name);
  }
}
