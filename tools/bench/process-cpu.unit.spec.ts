import { processCpuMs } from './process-cpu';

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

describe('processCpuMs', () => {
  it("reads a process's CPU time, which grows while it computes", () => {
    const before = processCpuMs(process.pid);
    // /proc counts in 10 ms ticks: within two ticks of what the process says of itself.
    expect(Math.abs(before - ownCpuMs())).toBeLessThan(20);
    // Spin for 100 ms of CPU, not of wall time: the host may be busy with other work.
    const until = ownCpuMs() + 100;
    while (ownCpuMs() < until);
    expect(processCpuMs(process.pid) - before).toBeGreaterThanOrEqual(80);
  });
});
