/**
 * CPU seconds and resident memory of the system's processes, read from /proc: each app started by
 * `npm start` (`.infra/apps/<app>.pid`) and each native server (`.infra/<server>/*.pid`), with all
 * of its descendants. PostgreSQL's backends are split by database, so the share FerretDB causes
 * (database `ferretdb`) is seen apart from the apps' own SQL. Linux only; under Docker the
 * processes are not ours to see and the sampler reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One line of /proc/<pid>/stat, the fields this needs. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** cutime + cstime: children that exited and were waited for, in clock ticks. */
  childTicks: number;
  rssPages: number;
  /** /proc/<pid>/cmdline with NULs as spaces; a PostgreSQL backend names its database here. */
  cmdline: string;
}

/** A group's totals at one instant: CPU since each live process started, memory now. */
export interface GroupUsage {
  cpuSeconds: number;
  /** Proportional set size where readable (shared pages split among their users), else RSS. */
  rssBytes: number;
  /** The root the group's processes descend from (a group's own name, or `postgres` for `postgres:*`). */
  root: string;
  /** CPU seconds of each live process of the group, by pid: intervals are reckoned per process. */
  pids: Map<number, number>;
  /** On a root's own group: CPU seconds of its children that exited (cutime + cstime). */
  exitedSeconds: number;
}

/**
 * The proportional set size of each process (/proc/<pid>/smaps_rollup), by pid: PostgreSQL's
 * backends all map its shared buffers, and summing their RSS counted those once per backend.
 * Absent where unreadable. The kernel walks every mapping for it: read off the event loop.
 */
export async function proportionalBytes(table: readonly ProcessStat[]): Promise<Map<number, number>> {
  const pss = new Map<number, number>();
  await Promise.all(
    table.map(async (p) => {
      try {
        const match = /^Pss:\s+(\d+) kB$/m.exec(await readFile(`/proc/${p.pid}/smaps_rollup`, 'utf8'));
        if (match) pss.set(p.pid, Number(match[1]) * 1_024);
      } catch {
        // gone, or not ours to read
      }
    }),
  );
  return pss;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux (getconf CLK_TCK)
export const PAGE_BYTES = 4_096;

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields count from its last ')'. */
export function parseStat(text: string, cmdline = ''): ProcessStat | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24)
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid,
    ppid: field(4),
    ticks: field(14) + field(15),
    childTicks: field(16) + field(17),
    rssPages: field(24),
    cmdline,
  };
}

/**
 * Every process visible in /proc now. Asynchronous, like {@link proportionalBytes}: read with
 * blocking calls once a minute, it stalled the load generator for half a second, which showed as
 * a dip in requests done and a p99 spike every minute.
 */
export async function readProcessTable(): Promise<ProcessStat[]> {
  const entries = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const read = async (entry: string): Promise<ProcessStat | undefined> => {
    try {
      const [stat, cmdline] = await Promise.all([
        readFile(`/proc/${entry}/stat`, 'utf8'),
        readFile(`/proc/${entry}/cmdline`, 'utf8'),
      ]);
      return parseStat(stat, cmdline.replaceAll('\0', ' ').trim());
    } catch {
      return undefined; // gone between readdir and read
    }
  };
  return (await Promise.all(entries.map(read))).filter((p): p is ProcessStat => p !== undefined);
}

/** `postgres: <user> <database> <client> <activity>`: the database of a backend, else undefined. */
function postgresDatabase(cmdline: string): string | undefined {
  const match = /^postgres: \S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(cmdline);
  return match?.[1];
}

/**
 * Totals per group for the given roots (group name -> root pid): each root with its descendants.
 * A PostgreSQL root's backends go to `postgres:<database>`; the server's own processes stay under
 * the root's name, and so does what its exited children used (see intervalUsage).
 */
export function usageByGroup(
  table: readonly ProcessStat[],
  roots: ReadonlyMap<string, number>,
  memoryOf: (p: ProcessStat) => number = (p) => p.rssPages * PAGE_BYTES,
): Map<string, GroupUsage> {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const children = new Map<number, ProcessStat[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const usage = new Map<string, GroupUsage>();
  const groupOf = (group: string, root: string): GroupUsage => {
    const found = usage.get(group) ?? { cpuSeconds: 0, rssBytes: 0, root, pids: new Map(), exitedSeconds: 0 };
    usage.set(group, found);
    return found;
  };
  const add = (group: string, root: string, p: ProcessStat) => {
    const total = groupOf(group, root);
    total.cpuSeconds += p.ticks / CLOCK_TICKS_PER_S;
    total.rssBytes += memoryOf(p);
    total.pids.set(p.pid, p.ticks / CLOCK_TICKS_PER_S);
  };
  for (const [name, rootPid] of roots) {
    const root = byPid.get(rootPid);
    if (!root) continue;
    add(name, name, root);
    groupOf(name, name).exitedSeconds = root.childTicks / CLOCK_TICKS_PER_S;
    const pending = [...(children.get(rootPid) ?? [])];
    while (pending.length > 0) {
      const p = pending.pop() as ProcessStat;
      const database = name === 'postgres' ? postgresDatabase(p.cmdline) : undefined;
      add(database ? `postgres:${database}` : name, name, p);
      pending.push(...(children.get(p.pid) ?? []));
    }
  }
  return usage;
}

/** The system's root processes under `infraHome`: apps by their pid files, servers by theirs. */
export function systemRoots(infraHome: string): Map<string, number> {
  const roots = new Map<string, number>();
  const pidIn = (file: string): number | undefined => {
    try {
      // postmaster.pid holds more lines; its first is the pid.
      const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const file of list(join(infraHome, 'apps')).filter((f) => f.endsWith('.pid'))) {
    const pid = pidIn(join(infraHome, 'apps', file));
    if (pid) roots.set(file.slice(0, -'.pid'.length), pid);
  }
  for (const server of ['kafka', 'redis', 'ferretdb', 'clickhouse', 'prometheus', 'jaeger']) {
    const pid = pidIn(join(infraHome, server, `${server}.pid`));
    if (pid) roots.set(server, pid);
  }
  const postgres = pidIn(join(infraHome, 'postgres', 'data', 'postmaster.pid'));
  if (postgres) roots.set('postgres', postgres);
  return roots;
}

/** CPU seconds (delta) and RSS (at the end) of one group over one interval. */
export interface IntervalUsage {
  group: string;
  cpuSeconds: number;
  rssBytes: number;
}

/** Differences between two readings, groups in a stable order (largest CPU first). */
export function intervalUsage(
  before: ReadonlyMap<string, GroupUsage>,
  after: ReadonlyMap<string, GroupUsage>,
): IntervalUsage[] {
  const earlier = new Map<number, number>();
  for (const group of before.values()) for (const [pid, seconds] of group.pids) earlier.set(pid, seconds);
  const live = new Set<number>();
  for (const group of after.values()) for (const pid of group.pids.keys()) live.add(pid);
  // What the processes that exited in the interval had used by the first reading, per root: their
  // parent's exited-children figure now holds all of it, and only the rest is new.
  const goneSeconds = new Map<string, number>();
  for (const group of before.values())
    for (const [pid, seconds] of group.pids)
      if (!live.has(pid)) goneSeconds.set(group.root, (goneSeconds.get(group.root) ?? 0) + seconds);
  return [...after]
    .map(([group, now]) => {
      let cpuSeconds = 0;
      // A process new since the first reading started within the interval: all of its CPU counts.
      for (const [pid, seconds] of now.pids) cpuSeconds += Math.max(0, seconds - (earlier.get(pid) ?? 0));
      if (group === now.root) {
        const exited = now.exitedSeconds - (before.get(group)?.exitedSeconds ?? 0);
        cpuSeconds += Math.max(0, exited - (goneSeconds.get(group) ?? 0));
      }
      return { group, cpuSeconds, rssBytes: now.rssBytes };
    })
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds || a.group.localeCompare(b.group));
}
