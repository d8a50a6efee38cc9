import { readFileSync } from 'node:fs';
import { USER_HZ } from './targets/process-util';

/**
 * The whole machine's CPU from /proc/stat's first line, in ms summed over all cores:
 * what the server and the load generator used, and what everything else did in the same
 * window. On a shared two-core machine a window is only a measurement of its target when
 * that "everything else" is small.
 */
export interface MachineCpu {
  /**
   * user + nice + system + irq + softirq (guest time is inside user already). The kernel
   * charges a tick spent in an interrupt to the task it interrupted as well, so this is
   * the same time that processes' own CPU counts (loopback TCP's receive path is softirq).
   */
  busyMs: number;
  /** Time the hypervisor ran something else while this machine wanted its CPUs. */
  stealMs: number;
  idleMs: number;
}

export function readMachineCpu(statText?: string): MachineCpu | null {
  let text = statText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/stat', 'utf8');
    } catch {
      return null;
    }
  }
  const line = text.split('\n', 1)[0];
  if (!line.startsWith('cpu ')) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  const ms = (j: number): number => (j * 1000) / USER_HZ;
  return { busyMs: ms(user + nice + system + irq + softirq), stealMs: ms(steal), idleMs: ms(idle + iowait) };
}

/** Busy and steal between two readings, each in % of one core over wallMs (as server CPU is). */
export function machineCpuBetween(a: MachineCpu | null, b: MachineCpu | null, wallMs: number): { busyPercent: number; stealPercent: number } | null {
  if (a === null || b === null || wallMs <= 0) return null;
  return { busyPercent: (100 * (b.busyMs - a.busyMs)) / wallMs, stealPercent: (100 * (b.stealMs - a.stealMs)) / wallMs };
}
