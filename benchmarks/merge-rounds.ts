import type { RunRecord } from './compare';
import { sumRounds } from './server-work';
import { decodeHistogram, encodeHistogram, mergeHistograms, percentileSpectrum, summarize } from './latency-histogram';

/**
 * One record for a workload on a target measured in several rounds (--rounds): the
 * operations, errors and windows add up, the latency histograms merge, so throughput is
 * the total over the total window and the percentiles are the pooled ones — a round that
 * caught a snapshot or a GC counts for its share instead of deciding the row (the
 * snapshots and log syncs add up too). What is not pooled (CPU, the generator's cost,
 * notification latency) comes from the median round by throughput. Any failed round makes
 * the record a failure.
 */
export function mergeRounds(parts: RunRecord[]): RunRecord {
  if (parts.length === 0) throw new Error('mergeRounds: no rounds');
  if (parts.length === 1) return parts[0];
  const failed = parts.find((p) => p.failure !== null);
  if (failed) return { ...failed, failure: `round ${parts.indexOf(failed) + 1} of ${parts.length}: ${failed.failure}` };
  const byOps = [...parts].sort((a, b) => a.opsPerSec - b.opsPerSec);
  const median = byOps[Math.floor((byOps.length - 1) / 2)];
  const h = mergeHistograms(parts.map((p) => decodeHistogram(p.histogram)));
  const errors: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  const sum = (f: (p: RunRecord) => number): number => parts.reduce((s, p) => s + f(p), 0);
  const windowMs = sum((p) => p.windowMs);
  const ops = sum((p) => p.ops);
  return {
    ...median,
    ops,
    reads: sum((p) => p.reads),
    writes: sum((p) => p.writes),
    errors,
    errorCount: sum((p) => p.errorCount),
    windowMs,
    opsPerSec: windowMs > 0 ? (ops * 1000) / windowMs : 0,
    latency: summarize(h),
    spectrum: percentileSpectrum(h),
    histogram: encodeHistogram(h),
    serverWork: sumRounds(parts.map((p) => p.serverWork)),
    roundOpsPerSec: parts.map((p) => p.opsPerSec),
  };
}
