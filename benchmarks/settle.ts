import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMachineCpu, type MachineCpu } from './machine-cpu';

/**
 * Before each run, the machine is brought back to quiet: dirty pages are written out
 * (`sync`) and the suite waits until no process is busy. Without this, what one target
 * left running after its window — a snapshot still being written, the kernel flushing
 * the hundreds of MB the create workload's snapshots dirtied, a JVM's concurrent GC —
 * ran inside the next target's window and was charged to it. Only leftovers are waited
 * out: within its own window each target pays for its own snapshots and flushes.
 */
export interface SettleOptions {
  /** Give up waiting for quiet after this long (the run then goes ahead and says so). */
  maxWaitMs: number;
  /** Quiet: the whole machine below this % of one core ... */
  quietPercent: number;
  /** ... over this many slices in a row (a JVM's compiler threads work in bursts). */
  quietSlices: number;
  sliceMs: number;
  syncTimeoutMs: number;
}

export interface SettleResult {
  /** How long `sync` took (null where it could not run). */
  syncMs: number | null;
  /** From the start of the settle until enough quiet slices in a row, or until giving up. */
  waitedMs: number;
  /** The machine's busy % of one core in the last slice (null where it cannot be read). */
  busyPercent: number | null;
  quiet: boolean;
}

export const DEFAULT_SETTLE: SettleOptions = { maxWaitMs: 8000, quietPercent: 15, quietSlices: 2, sliceMs: 250, syncTimeoutMs: 20000 };

/** The machine as settleMachine sees it: replaced in tests. */
export interface SettleProbe {
  sync(timeoutMs: number): Promise<number | null>;
  readCpu(): MachineCpu | null;
  sleep(ms: number): Promise<unknown>;
  now(): number;
}

const REAL_MACHINE: SettleProbe = { sync: runSync, readCpu: readMachineCpu, sleep, now: () => performance.now() };

export async function settleMachine(opts: SettleOptions = DEFAULT_SETTLE, probe: SettleProbe = REAL_MACHINE): Promise<SettleResult> {
  const t0 = probe.now();
  const syncMs = await probe.sync(opts.syncTimeoutMs);
  let quietRun = 0;
  for (;;) {
    const a = probe.readCpu();
    const s0 = probe.now();
    await probe.sleep(opts.sliceMs);
    const b = probe.readCpu();
    if (a === null || b === null) return { syncMs, waitedMs: probe.now() - t0, busyPercent: null, quiet: false };
    const busyPercent = (100 * (b.busyMs - a.busyMs)) / Math.max(1, probe.now() - s0);
    const waitedMs = probe.now() - t0;
    quietRun = busyPercent < opts.quietPercent ? quietRun + 1 : 0;
    if (quietRun >= opts.quietSlices) return { syncMs, waitedMs, busyPercent, quiet: true };
    if (waitedMs >= opts.maxWaitMs) return { syncMs, waitedMs, busyPercent, quiet: false };
  }
}

function runSync(timeoutMs: number): Promise<number | null> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile('sync', [], { timeout: timeoutMs }, (err) => resolve(err ? null : performance.now() - t0));
  });
}

/** One line for the report: "settled in 1.4 s (sync 0.9 s)" or why it did not. */
export function describeSettle(s: SettleResult | null | undefined): string {
  if (!s) return 'not settled';
  const sync = s.syncMs === null ? 'sync failed' : `sync ${(s.syncMs / 1000).toFixed(1)} s`;
  if (s.quiet) return `settled in ${(s.waitedMs / 1000).toFixed(1)} s (${sync})`;
  const busy = s.busyPercent === null ? 'machine CPU unreadable' : `machine still ${Math.round(s.busyPercent)}% busy`;
  return `not quiet after ${(s.waitedMs / 1000).toFixed(1)} s (${sync}; ${busy})`;
}
