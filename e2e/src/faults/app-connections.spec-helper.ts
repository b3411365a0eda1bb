// Which servers the apps this test process started are connected to, as the kernel sees it
// (`ss`): the proof that a proxy is not bypassed, e.g. by a Kafka client following the address a
// broker advertises instead of the one it was given.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** An app's established connections to one port, and the bytes the kernel counted on them. */
export interface PortConnections {
  connections: number;
  bytesSent: number;
  bytesReceived: number;
}

/** Each of our apps (by name): its connections by the port they reach. */
export type AppConnections = Record<string, Record<number, PortConnections>>;

/** The apps started by this process (children running dist/apps/<name>/main.js) and their connections. */
export async function appConnections(): Promise<AppConnections> {
  const { stdout } = await run('ss', ['-tnpiH', 'state', 'established'], { timeout: 10_000 });
  const apps = new Map<number, string | null>();
  const result: AppConnections = {};
  let current: PortConnections | undefined;
  for (const line of stdout.split('\n')) {
    if (/^\s/.test(line)) {
      // The socket's counters, on the line under it: "… bytes_sent:123 … bytes_received:456 …".
      if (!current) continue;
      current.bytesSent += Number(/bytes_sent:(\d+)/.exec(line)?.[1] ?? 0);
      current.bytesReceived += Number(/bytes_received:(\d+)/.exec(line)?.[1] ?? 0);
      continue;
    }
    current = undefined;
    // Recv-Q Send-Q Local:Port Peer:Port users:(("node",pid=123,fd=21))
    const [, , , peer = '', users = ''] = line.trim().split(/\s+/);
    const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
    const pid = Number(/pid=(\d+)/.exec(users)?.[1]);
    const app = pid ? await appOf(pid, apps) : null;
    if (!app) continue;
    result[app] ??= {};
    current = result[app][port] ??= { connections: 0, bytesSent: 0, bytesReceived: 0 };
    current.connections += 1;
  }
  return result;
}

async function appOf(pid: number, seen: Map<number, string | null>): Promise<string | null> {
  if (seen.has(pid)) return seen.get(pid) ?? null;
  let app: string | null = null;
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its ')'.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const main = cmdline.find((arg) => /dist\/apps\/[^/]+\/main\.js$/.test(arg));
    if (ppid === process.pid && main) app = main.split('/').at(-2) ?? null;
  } catch {
    app = null; // gone in the meantime
  }
  seen.set(pid, app);
  return app;
}
