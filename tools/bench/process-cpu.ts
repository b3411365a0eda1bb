import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on every Linux the benches run on. */
const USER_HZ = 100;

/**
 * CPU time (user + system, ms) another process has used so far, from /proc/<pid>/stat: what a
 * benchmark divides by the requests it sent to get the CPU cost of one. Resolution 10 ms, so
 * read it over thousands of requests, not a handful. Linux only.
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and the state.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}
