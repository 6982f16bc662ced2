import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) by process group. */
export type CpuTime = Record<string, number>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * Where a payment's CPU goes, read from /proc: the api and the worker by pid, PostgreSQL as all
 * its server's processes (backends, WAL writer, checkpointer), Redis, and this load generator.
 * Everything else on the machine is "other". CPU per payment, unlike throughput, barely moves
 * with the machine's mood, so it is what tells whether a change made a process cheaper.
 */
export class CpuMeter {
  constructor(private readonly pids: Record<string, number>) {}

  read(): CpuTime {
    const groups = new Map(Object.entries(this.pids).map(([name, pid]) => [pid, name]));
    groups.set(process.pid, 'load');
    const time: CpuTime = {};
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
      const group = groups.get(Number(entry)) ?? (command === 'postgres' ? 'postgres' : command === 'redis-server' ? 'redis' : 'other');
      time[group] = (time[group] ?? 0) + ms;
    }
    return time;
  }

  /** µs of CPU per payment of each group between two readings. */
  static perPayment(before: CpuTime, after: CpuTime, payments: number): CpuTime {
    return Object.fromEntries(Object.keys(after).map((group) => [group, payments ? Math.round(((after[group] - (before[group] ?? 0)) * 1000) / payments) : NaN]));
  }
}
