import { machineCpuBetween, readMachineCpu } from '../../benchmarks/machine-cpu';
import { otherCpuPercent } from '../../benchmarks/compare';
import { runCells, RUN_HEADERS, unsettledLines } from '../../benchmarks/report-table';
import { describeSettle, settleMachine, type SettleProbe } from '../../benchmarks/settle';
import { runRecord } from './support/run-record';

describe('machine CPU from /proc/stat', () => {
  it('counts process and interrupt time as busy, idle and iowait as idle', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    const m = readMachineCpu('cpu  1000 20 300 5000 40 7 60 15 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n');
    expect(m).toEqual({ busyMs: 13870, stealMs: 150, idleMs: 50400 });
  });

  it('has no reading for text that is not /proc/stat', () => {
    expect(readMachineCpu('')).toBeNull();
    expect(readMachineCpu('intr 12 3\n')).toBeNull();
    expect(readMachineCpu('cpu  1 2 x 4 5 6 7 8\n')).toBeNull();
    expect(readMachineCpu('cpu  1 2 3\n')).toBeNull();
  });

  it('gives busy and steal over a window in % of one core', () => {
    const a = { busyMs: 1000, stealMs: 10, idleMs: 0 };
    const b = { busyMs: 4000, stealMs: 210, idleMs: 0 };
    expect(machineCpuBetween(a, b, 2000)).toEqual({ busyPercent: 150, stealPercent: 10 });
    expect(machineCpuBetween(null, b, 2000)).toBeNull();
    expect(machineCpuBetween(a, b, 0)).toBeNull();
  });

  it('reads this machine where there is a /proc', () => {
    const m = readMachineCpu();
    if (process.platform === 'linux') expect(m!.busyMs + m!.idleMs).toBeGreaterThan(0);
    else expect(m).toBeNull();
  });
});

/** A machine whose busy time grows by `busy[i]` ms in slice i (the last value repeats). */
function fakeMachine(busy: number[], syncMs: number | null = 5): SettleProbe & { slices: number } {
  let clock = 0;
  let total = 0;
  let slice = 0;
  const probe = {
    slices: 0,
    sync: async () => {
      clock += syncMs ?? 0;
      return syncMs;
    },
    readCpu: () => ({ busyMs: total, stealMs: 0, idleMs: 0 }),
    sleep: async (ms: number) => {
      clock += ms;
      total += busy[Math.min(slice, busy.length - 1)];
      slice++;
      probe.slices = slice;
    },
    now: () => clock,
  };
  return probe;
}

describe('settling the machine before a run', () => {
  const opts = { maxWaitMs: 1000, quietPercent: 15, quietSlices: 2, sliceMs: 100, syncTimeoutMs: 50 };

  it('waits out a busy machine until enough slices in a row are quiet', async () => {
    // 100 ms slices: 80 ms busy is 80%, 10 ms is 10%. The lone quiet slice does not count.
    const m = fakeMachine([80, 10, 60, 10, 5]);
    const r = await settleMachine(opts, m);
    expect(r).toEqual({ syncMs: 5, waitedMs: 505, busyPercent: 5, quiet: true });
    expect(m.slices).toBe(5);
    expect(describeSettle(r)).toBe('settled in 0.5 s (sync 0.0 s)');
  });

  it('gives up after maxWaitMs and says the machine stayed busy', async () => {
    const m = fakeMachine([150], null);
    const r = await settleMachine(opts, m);
    expect(r.quiet).toBe(false);
    expect(r.waitedMs).toBe(1000);
    expect(r.busyPercent).toBe(150);
    expect(describeSettle(r)).toBe('not quiet after 1.0 s (sync failed; machine still 150% busy)');
  });

  it('goes ahead at once where the machine cannot be read', async () => {
    const m = { ...fakeMachine([0]), readCpu: () => null };
    const r = await settleMachine(opts, m);
    expect(r).toMatchObject({ quiet: false, busyPercent: null });
    expect(describeSettle(r)).toMatch(/machine CPU unreadable/);
    expect(describeSettle(null)).toBe('not settled');
  });

  it('runs the real sync and reads the real machine', async () => {
    const r = await settleMachine({ maxWaitMs: 300, quietPercent: 1000, quietSlices: 1, sliceMs: 20, syncTimeoutMs: 20000 });
    if (process.platform === 'linux') {
      expect(r.quiet).toBe(true);
      expect(r.syncMs).not.toBeNull();
    }
  });
});

describe('the other-CPU column', () => {
  const base = runRecord();
  it('is the machine less the server and the generator, never below zero', () => {
    const r = { ...base, serverCpuPercent: 120, machineCpuPercent: 180, generator: { ...base.generator, cpuPercent: 25 } };
    expect(otherCpuPercent(r)).toBe(35);
    expect(runCells({ ...r, stealPercent: 3 })[RUN_HEADERS.indexOf('other CPU')]).toBe('35%');
    expect(runCells({ ...r, stealPercent: 3 })[RUN_HEADERS.indexOf('steal')]).toBe('3%');
    expect(otherCpuPercent({ ...r, machineCpuPercent: 100 })).toBe(0);
  });

  it('is unknown without a machine reading or a server reading', () => {
    expect(otherCpuPercent({ ...base, machineCpuPercent: null, serverCpuPercent: 100 })).toBeNull();
    expect(otherCpuPercent({ ...base, machineCpuPercent: 150, serverCpuPercent: null })).toBeNull();
    expect(runCells({ ...base, machineCpuPercent: undefined })[RUN_HEADERS.indexOf('other CPU')]).toBe('—');
  });

  it('lists the runs that started on a machine that never went quiet', () => {
    const quiet = { ...base, settle: { syncMs: 10, waitedMs: 300, busyPercent: 5, quiet: true } };
    const busy = { ...base, workload: 'setData' as const, target: 'zookeeper', settle: { syncMs: 10, waitedMs: 8000, busyPercent: 90, quiet: false } };
    const unreadable = { ...base, settle: { syncMs: 10, waitedMs: 250, busyPercent: null, quiet: false } };
    expect(unsettledLines([quiet, busy, { ...base, settle: null }, unreadable])).toEqual(['setData on zookeeper: not quiet after 8.0 s (sync 0.0 s; machine still 90% busy)']);
  });
});
