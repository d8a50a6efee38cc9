import type { RunRecord } from '../../../benchmarks/compare';
import { encodeHistogram, newHistogram } from '../../../benchmarks/latency-histogram';

/** A complete, successful setData run on zoolab; a test states only what it varies. */
export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    target: 'zoolab',
    targetKind: 'zoolab',
    workload: 'setData',
    class: 'write',
    description: 'setData',
    ops: 100,
    reads: 0,
    writes: 100,
    errors: {},
    errorCount: 0,
    windowMs: 1000,
    opsPerSec: 100,
    latency: { count: 1, meanMs: 1, p50Ms: 1, p90Ms: 1, p99Ms: 1, p999Ms: 1, maxMs: 1 },
    spectrum: [],
    histogram: encodeHistogram(newHistogram()),
    generator: { cpuPercent: 10, maxElu: 0.1, workers: 1 },
    serverCpuPercent: 50,
    serverRssMb: 100,
    failure: null,
    ...overrides,
  };
}
