/**
 * CPU time of the calling thread (user + system), for measuring worker threads on a shared machine
 * where wall time says little. Node 20 has no per-thread CPU clock (process.cpuUsage() sums all
 * threads; process.threadCpuUsage() came in Node 23.9), so on Linux it is read from
 * /proc/thread-self/stat (fields 14 and 15, utime and stime, in clock ticks of 1/100 s: the
 * resolution is 10 ms, fine for sums over seconds). Elsewhere: null.
 */
import fs from 'node:fs';

const TICK_MS = 10;

/** The calling thread's CPU time in ms, or null where it cannot be read. */
export function threadCpuMs(): number | null {
  const native = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage;
  if (typeof native === 'function') {
    const u = native.call(process);
    return (u.user + u.system) / 1000;
  }
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count from its end.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]); // fields 14, 15 of the whole line
    return Number.isFinite(ticks) ? ticks * TICK_MS : null;
  } catch {
    return null;
  }
}
