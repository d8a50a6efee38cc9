import type { RunRecord } from '../../benchmarks/compare';
import { encodeHistogram, newHistogram, recordMs } from '../../benchmarks/latency-histogram';
import { mergeRounds } from '../../benchmarks/merge-rounds';
import { runRecord } from './support/run-record';

function round(opsPerSec: number, latenciesMs: number[], cpu: number, failure: string | null = null): RunRecord {
  const h = newHistogram();
  for (const ms of latenciesMs) recordMs(h, ms);
  const ops = latenciesMs.length;
  return runRecord({
    ops,
    writes: ops,
    errors: { '-101': 1 },
    errorCount: 1,
    windowMs: (ops / opsPerSec) * 1000,
    opsPerSec,
    latency: { count: ops, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 },
    histogram: encodeHistogram(h),
    generator: { cpuPercent: cpu, maxElu: 0.1, workers: 1 },
    serverCpuPercent: cpu,
    failure,
  });
}

describe('mergeRounds (--rounds)', () => {
  it('pools the rounds: operations over the total window, latency from the merged histograms', () => {
    // 100 ops in 1 s, then 100 ops in 0.5 s: 200 ops over 1.5 s.
    const slow = round(100, Array.from({ length: 100 }, () => 10), 50);
    const fast = round(200, Array.from({ length: 100 }, () => 1), 70);
    const third = round(150, Array.from({ length: 100 }, () => 5), 60);
    const m = mergeRounds([slow, fast, third]);
    expect(m.ops).toBe(300);
    expect(m.windowMs).toBeCloseTo(1000 + 500 + 666.67, 1);
    expect(m.opsPerSec).toBeCloseTo(300 / 2.16667, 1);
    expect(m.latency.count).toBe(300);
    expect(m.latency.p50Ms).toBeCloseTo(5, 1);
    expect(m.latency.maxMs).toBeCloseTo(10, 1);
    expect(m.errors).toEqual({ '-101': 3 });
    expect(m.errorCount).toBe(3);
    // What does not pool comes from the median round by throughput.
    expect(m.serverCpuPercent).toBe(60);
    expect(m.roundOpsPerSec).toEqual([100, 200, 150]);
  });

  it('one round is the record as it was; a failed round fails the row and says which', () => {
    const only = round(100, [1, 2, 3], 10);
    expect(mergeRounds([only])).toBe(only);
    const m = mergeRounds([only, round(0, [], 0, 'no operation completed in the window')]);
    expect(m.failure).toBe('round 2 of 2: no operation completed in the window');
  });
});
