import {
  intervalUsage,
  parseStat,
  type ProcessStat,
  proportionalBytes,
  readProcessTable,
  usageByGroup,
} from './process-usage';

/** A /proc/<pid>/stat line with the given fields; the rest zero. */
function statLine(
  pid: number,
  comm: string,
  ppid: number,
  utime: number,
  stime: number,
  cutime = 0,
  rss = 0,
) {
  const fields = Array.from({ length: 50 }, () => '0');
  const set = (n: number, value: number | string) => (fields[n - 3] = String(value));
  set(3, 'S');
  set(4, ppid);
  set(14, utime);
  set(15, stime);
  set(16, cutime);
  set(24, rss);
  return `${pid} (${comm}) ${fields.join(' ')}`;
}

const proc = (pid: number, ppid: number, ticks: number, cmdline = '', rssPages = 0): ProcessStat => ({
  pid,
  ppid,
  ticks,
  childTicks: 0,
  rssPages,
  cmdline,
});

describe('process usage from /proc', () => {
  it('reads the fields after the command name, which may hold spaces and parentheses', () => {
    expect(parseStat(statLine(42, 'node (main) x', 7, 150, 50, 30, 1_000))).toEqual({
      pid: 42,
      ppid: 7,
      ticks: 200,
      childTicks: 30,
      rssPages: 1_000,
      cmdline: '',
    });
  });

  it('sums a root with all its descendants, and splits PostgreSQL backends by database', () => {
    const table = [
      proc(10, 1, 100, 'node dist/apps/order-service/main.js', 10),
      proc(11, 10, 50, 'worker', 5),
      proc(20, 1, 10, '/usr/lib/postgresql/bin/postgres -D data', 1),
      proc(21, 20, 300, 'postgres: postgres ferretdb 127.0.0.1(5000) idle', 2),
      proc(22, 20, 200, 'postgres: orders orders 127.0.0.1(5001) SELECT', 2),
      proc(23, 20, 7, 'postgres: logical replication launcher', 1),
      proc(30, 1, 999, 'something else'),
    ];
    const usage = usageByGroup(
      table,
      new Map([
        ['order-service', 10],
        ['postgres', 20],
      ]),
    );
    const totals = Object.fromEntries(
      [...usage].map(([group, u]) => [
        group,
        { cpuSeconds: u.cpuSeconds, rssBytes: u.rssBytes, root: u.root },
      ]),
    );
    expect(totals).toEqual({
      'order-service': { cpuSeconds: 1.5, rssBytes: 15 * 4_096, root: 'order-service' },
      postgres: { cpuSeconds: 0.17, rssBytes: 2 * 4_096, root: 'postgres' },
      'postgres:ferretdb': { cpuSeconds: 3, rssBytes: 2 * 4_096, root: 'postgres' },
      'postgres:orders': { cpuSeconds: 2, rssBytes: 2 * 4_096, root: 'postgres' },
    });
    expect([...(usage.get('postgres:orders')?.pids ?? [])]).toEqual([[22, 2]]);
  });

  it('skips a root that is gone', () => {
    expect(usageByGroup([proc(1, 0, 5)], new Map([['auth-service', 99]])).size).toBe(0);
  });

  it('gives the CPU of an interval per group, largest first, process by process', () => {
    const roots = new Map([
      ['a', 1],
      ['postgres', 20],
    ]);
    const before = usageByGroup(
      [
        proc(1, 0, 1_000),
        proc(20, 0, 100),
        proc(21, 20, 500, 'postgres: u orders 127.0.0.1(1) idle'),
        proc(22, 20, 300, 'postgres: u orders 127.0.0.1(2) idle'),
      ],
      roots,
    );
    // Backend 22 exited after 50 more ticks (its 350 now in the server's cutime); 23 is new.
    const after = usageByGroup(
      [
        proc(1, 0, 1_100),
        { ...proc(20, 0, 110), childTicks: 350 },
        proc(21, 20, 700, 'postgres: u orders 127.0.0.1(1) idle'),
        proc(23, 20, 40, 'postgres: u orders 127.0.0.1(3) idle'),
      ],
      roots,
    );
    expect(intervalUsage(before, after).map((u) => [u.group, Number(u.cpuSeconds.toFixed(2))])).toEqual([
      ['postgres:orders', 2.4],
      ['a', 1],
      ['postgres', 0.6],
    ]);
    // Lifetime CPU of an exited backend is not counted again: readings the other way read 0, not less.
    expect(intervalUsage(after, before).every((u) => u.cpuSeconds >= 0)).toBe(true);
  });
});

// Reads this machine's /proc (Linux, as the sampler itself): no server is involved.
describe('reading /proc', () => {
  it('finds this process, its parent and its memory', async () => {
    const table = await readProcessTable();
    const self = table.find((p) => p.pid === process.pid);
    expect(self).toEqual(
      expect.objectContaining({ ppid: process.ppid, cmdline: expect.stringContaining('node') }),
    );
    const pss = await proportionalBytes(table.filter((p) => p.pid === process.pid));
    expect(pss.get(process.pid)).toBeGreaterThan(1_000_000);
  });
});
