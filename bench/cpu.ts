/** Where the bench's CPU goes: this process, the Temporal dev server, the machine (from /proc). */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** CPU ticks (utime + stime) of a process, from /proc; 0 when unreadable. */
export function procTicks(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The machine's busy and total ticks, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - (cpu[4] ?? 0), total };
}

/** The dev server's process: `temporal server start-dev … --port <port>`. */
export function devServerPid(address: string): number | undefined {
  const port = address.split(':').pop();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('start-dev') && argv[argv.indexOf('--port') + 1] === port) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** CPU of this process, the dev server and the machine (% of one core) since the last call. */
export function cpuMeter(devPid: number | undefined) {
  let last = { at: performance.now(), node: process.cpuUsage(), dev: procTicks(devPid), machine: machineTicks() };
  return {
    since(): string {
      const now = { at: performance.now(), node: process.cpuUsage(), dev: procTicks(devPid), machine: machineTicks() };
      const seconds = Math.max(0.001, (now.at - last.at) / 1000);
      const node = (now.node.user + now.node.system - last.node.user - last.node.system) / 1e4 / seconds;
      const dev = (now.dev - last.dev) / seconds;
      const machine = (100 * availableParallelism() * (now.machine.busy - last.machine.busy)) / Math.max(1, now.machine.total - last.machine.total);
      last = now;
      return `CPU node ${node.toFixed(0)} %, dev server ${dev.toFixed(0)} %, machine ${machine.toFixed(0)} % of ${100 * availableParallelism()}`;
    },
  };
}
