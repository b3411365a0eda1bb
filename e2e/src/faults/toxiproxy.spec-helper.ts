// A small client of Toxiproxy's HTTP API (tools/faults/toxiproxy.sh starts the server): proxies
// between the apps and a server, latency on them, a cut, a heal, and the bytes each one carried.
// Toxiproxy's own semantics: a disabled proxy closes every connection it holds and stops listening,
// so new connections are refused until it is enabled again.

/** One TCP proxy: clients connect to `listen`, the proxy connects to `upstream` (host:port). */
export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
}

/** Bytes a proxy took in so far, by direction (upstream: from the client, downstream: from the server). */
export interface ProxyBytes {
  upstream: number;
  downstream: number;
}

export class Toxiproxy {
  constructor(private readonly apiUrl: string) {}

  /** Creates the proxy afresh (an earlier run's of the same name is deleted first), enabled, no toxics. */
  async create(spec: ProxySpec): Promise<void> {
    await this.request('DELETE', `/proxies/${spec.name}`, undefined, [204, 404]);
    await this.request('POST', '/proxies', { ...spec, enabled: true }, [201]);
  }

  /** Delays every chunk `ms` in each direction: a round trip becomes 2 × `ms` longer. */
  async addLatency(name: string, ms: number): Promise<void> {
    for (const stream of ['upstream', 'downstream'] as const)
      await this.request(
        'POST',
        `/proxies/${name}/toxics`,
        { name: `latency-${stream}`, type: 'latency', stream, attributes: { latency: ms, jitter: 0 } },
        [200],
      );
  }

  /** Closes every connection through the proxy and refuses new ones. */
  async cut(name: string): Promise<void> {
    await this.request('POST', `/proxies/${name}`, { enabled: false }, [200]);
  }

  /** Removes every toxic and accepts connections again. */
  async heal(name: string): Promise<void> {
    const proxy = (await this.request('GET', `/proxies/${name}`, undefined, [200])) as {
      toxics: { name: string }[];
    };
    for (const toxic of proxy.toxics)
      await this.request('DELETE', `/proxies/${name}/toxics/${toxic.name}`, undefined, [204]);
    await this.request('POST', `/proxies/${name}`, { enabled: true }, [200]);
  }

  /** Removes the proxy (its listener and connections). */
  async remove(name: string): Promise<void> {
    await this.request('DELETE', `/proxies/${name}`, undefined, [204, 404]);
  }

  /**
   * The bytes each proxy took in since it was created, from Toxiproxy's /metrics (-proxy-metrics).
   * Toxiproxy 2.5 adds a connection's bytes when that connection ends (and its "sent" counter only
   * when it ends cleanly, so "received" is the one read here): open connections are not in it yet.
   */
  async bytes(): Promise<Record<string, ProxyBytes>> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const totals: Record<string, ProxyBytes> = {};
    // toxiproxy_proxy_received_bytes_total{direction="upstream",listener="…",proxy="kafka",upstream="…"} 1234
    const line = /^toxiproxy_proxy_received_bytes_total\{([^}]*)\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/gm;
    for (const [, labels = '', value = '0'] of text.matchAll(line)) {
      const proxy = /proxy="([^"]+)"/.exec(labels)?.[1];
      const direction = /direction="(upstream|downstream)"/.exec(labels)?.[1] as keyof ProxyBytes | undefined;
      if (!proxy || !direction) continue;
      totals[proxy] ??= { upstream: 0, downstream: 0 };
      totals[proxy][direction] += Number(value);
    }
    return totals;
  }

  private async request(method: string, path: string, body: unknown, expected: number[]): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(
        `Toxiproxy does not answer at ${this.apiUrl}: start it with tools/faults/toxiproxy.sh up`,
        {
          cause: error,
        },
      );
    }
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`Toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
