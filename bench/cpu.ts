import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) of each live process, with the group it counts in. */
export type CpuReading = Map<number, { group: string; ms: number }>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * Where a payment's CPU goes, read from /proc: the api and the worker by pid, PostgreSQL as all
 * its server's processes (backends, WAL writer, checkpointer), Redis, and this load generator.
 * Everything else on the machine is "other". CPU per payment, unlike throughput, barely moves
 * with the machine's mood, so it is what tells whether a change made a process cheaper.
 */
export class CpuMeter {
  constructor(private readonly pids: Record<string, number>) {}

  read(): CpuReading {
    const named = new Map(Object.entries(this.pids).map(([name, pid]) => [pid, name]));
    named.set(process.pid, 'load');
    const reading: CpuReading = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const pid = Number(entry);
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const group =
        named.get(pid) ?? (command === 'postgres' ? 'postgres' : command === 'redis-server' ? 'redis' : 'other');
      // utime + stime; for PostgreSQL also cutime + cstime: the whole time of the backends the postmaster reaped.
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
      const ticks = utime + stime + (group === 'postgres' ? cutime + cstime : 0);
      reading.set(pid, { group, ms: ticks * TICK_MS });
    }
    return reading;
  }

  /**
   * µs of CPU per payment of each group between two readings: what each process still alive used
   * meanwhile (a process that started meanwhile, all of its time; one that exited is not counted).
   */
  static perPayment(before: CpuReading, after: CpuReading, payments: number): Record<string, number> {
    const ms = CpuMeter.used(before, after);
    return Object.fromEntries(
      Object.entries(ms).map(([group, used]) => [group, payments ? Math.round((used * 1000) / payments) : NaN]),
    );
  }

  /**
   * How many cores the whole machine kept busy on average between two readings. Batches shrink as
   * the load drops, so a payment costs more at half rate than at full: this says how much headroom
   * "half rate" really left.
   */
  static coresBusy(before: CpuReading, after: CpuReading, seconds: number): number {
    const total = Object.values(CpuMeter.used(before, after)).reduce((sum, used) => sum + used, 0);
    return Math.round((total / 1000 / seconds) * 100) / 100;
  }

  /** ms of CPU of each group between two readings. */
  private static used(before: CpuReading, after: CpuReading): Record<string, number> {
    const ms: Record<string, number> = {};
    // Never below zero: a pid reused meanwhile must not subtract the previous owner's time.
    for (const [pid, { group, ms: total }] of after)
      if (group !== 'postgres') ms[group] = (ms[group] ?? 0) + Math.max(0, total - (before.get(pid)?.ms ?? 0));
    // A pool closes its idle connections: a backend that exits takes its time out of its own entry and into the
    // postmaster's, whole. Compared process by process its time would be lost, or counted twice; summed, it is exact.
    const postgres = CpuMeter.sum(after, 'postgres');
    if (postgres !== undefined) ms.postgres = Math.max(0, postgres - (CpuMeter.sum(before, 'postgres') ?? 0));
    return ms;
  }

  /** The group's total, or undefined when none of its processes runs here (a server elsewhere). */
  private static sum(reading: CpuReading, group: string): number | undefined {
    let total: number | undefined;
    for (const entry of reading.values()) if (entry.group === group) total = (total ?? 0) + entry.ms;
    return total;
  }
}
