import type { LatencySummary } from './latency-histogram';
import type { GeneratorCost } from './load-runner';
import type { ServerWork } from './server-work';
import type { SettleResult } from './settle';
import type { WorkloadClass, WorkloadName } from './workloads';

/**
 * The targets for zoolab against Apache ZooKeeper on the same machine and load:
 * write throughput ≥ 1.5×, read throughput ≥ 1.2×, p99 latency ≤ 0.8×. Every compared
 * row gets a verdict; a row that could not be compared says why instead of vanishing.
 */
export const TARGETS = { writeThroughput: 1.5, readThroughput: 1.2, p99: 0.8 } as const;

/** One workload measured on one target. */
export interface RunRecord {
  target: string;
  targetKind: 'zoolab' | 'zookeeper' | 'external';
  workload: WorkloadName;
  class: WorkloadClass;
  description: string;
  ops: number;
  reads: number;
  writes: number;
  errors: Record<string, number>;
  errorCount: number;
  windowMs: number;
  opsPerSec: number;
  latency: LatencySummary;
  /** [percentile, ms] on a nines scale, for the CDF plot. */
  spectrum: Array<[number, number]>;
  /** The merged hdr histogram (µs), compressed base64. */
  histogram: string;
  generator: GeneratorCost;
  /** The server's CPU over the window, % of one core (started targets only). */
  serverCpuPercent: number | null;
  serverRssMb: number | null;
  /** The whole machine's process CPU over the window, % of one core (benchmarks/machine-cpu.ts). */
  machineCpuPercent?: number | null;
  /** The hypervisor's steal over the window, % of one core. */
  stealPercent?: number | null;
  /** How the machine was brought to quiet before the run (null: --no-settle). */
  settle?: SettleResult | null;
  /** Snapshots and txn-log syncs in the window, from mntr (started targets; see server-work.ts). */
  serverWork?: ServerWork | null;
  notificationLatency?: LatencySummary;
  /** With --rounds: each round's ops/s (the record pools them; see merge-rounds.ts). */
  roundOpsPerSec?: number[];
  failure: string | null;
}

export type Verdict = 'MEET' | 'MISS' | 'NO DATA';

export interface ComparisonRow {
  workload: WorkloadName;
  class: WorkloadClass;
  zoolabOpsPerSec: number | null;
  zookeeperOpsPerSec: number | null;
  throughputRatio: number | null;
  throughputTarget: number;
  throughputMet: boolean | null;
  zoolabP99Ms: number | null;
  zookeeperP99Ms: number | null;
  p99Ratio: number | null;
  p99Target: number;
  p99Met: boolean | null;
  /**
   * Server CPU time per operation (µs, all of the server's threads), when the suite
   * started the server. No target: it says how much of the throughput ratio is the
   * work per request and how much is the cores each server could use.
   */
  zoolabCpuUsPerOp: number | null;
  zookeeperCpuUsPerOp: number | null;
  cpuPerOpRatio: number | null;
  verdict: Verdict;
  /** Why a row is MISS or NO DATA, in words. */
  note: string;
}

function problem(r: RunRecord | undefined, who: string): string | null {
  if (!r) return `${who} was not run`;
  if (r.failure) return `${who} failed: ${r.failure}`;
  if (r.ops === 0) return `${who} completed no operation`;
  return null;
}

export function compareRuns(runs: RunRecord[], workloads: WorkloadName[]): ComparisonRow[] {
  return workloads.map((workload) => {
    const z = runs.find((r) => r.targetKind === 'zoolab' && r.workload === workload);
    const j = runs.find((r) => r.targetKind === 'zookeeper' && r.workload === workload);
    const cls = (z ?? j)?.class ?? 'read';
    const throughputTarget = cls === 'write' ? TARGETS.writeThroughput : TARGETS.readThroughput;
    const row: ComparisonRow = {
      workload,
      class: cls,
      zoolabOpsPerSec: z ? z.opsPerSec : null,
      zookeeperOpsPerSec: j ? j.opsPerSec : null,
      throughputRatio: null,
      throughputTarget,
      throughputMet: null,
      zoolabP99Ms: z ? z.latency.p99Ms : null,
      zookeeperP99Ms: j ? j.latency.p99Ms : null,
      p99Ratio: null,
      p99Target: TARGETS.p99,
      p99Met: null,
      zoolabCpuUsPerOp: cpuUsPerOp(z),
      zookeeperCpuUsPerOp: cpuUsPerOp(j),
      cpuPerOpRatio: null,
      verdict: 'NO DATA',
      note: '',
    };
    const problems = [problem(z, 'zoolab'), problem(j, 'ZooKeeper')].filter((x) => x !== null);
    if (!z || !j || problems.length > 0) {
      row.note = problems.join('; ');
      return row;
    }
    row.throughputRatio = z.opsPerSec / j.opsPerSec;
    row.throughputMet = row.throughputRatio >= throughputTarget;
    row.p99Ratio = j.latency.p99Ms > 0 ? z.latency.p99Ms / j.latency.p99Ms : null;
    row.p99Met = row.p99Ratio !== null && row.p99Ratio <= TARGETS.p99;
    if (row.zoolabCpuUsPerOp !== null && row.zookeeperCpuUsPerOp !== null && row.zookeeperCpuUsPerOp > 0) {
      row.cpuPerOpRatio = row.zoolabCpuUsPerOp / row.zookeeperCpuUsPerOp;
    }
    row.verdict = row.throughputMet && row.p99Met ? 'MEET' : 'MISS';
    const misses: string[] = [];
    if (!row.throughputMet) misses.push(`throughput ${fmtRatio(row.throughputRatio)} < ${throughputTarget}×`);
    if (!row.p99Met) misses.push(`p99 ${fmtRatio(row.p99Ratio)} > ${TARGETS.p99}×`);
    const errs = z.errorCount + j.errorCount;
    if (errs > 0) misses.push(`${errs} error replies (see runs)`);
    for (const d of [disturbance(z, 'zoolab'), disturbance(j, 'ZooKeeper'), generatorLimit(z, 'zoolab'), generatorLimit(j, 'ZooKeeper')]) if (d !== null) misses.push(d);
    row.note = misses.join('; ');
    return row;
  });
}

/**
 * Above these (% of one core over a window) a window measured more than its target: the
 * hypervisor took the CPUs, or some other process used them. The row says so; its
 * verdict stands, since the other side may have had the same luck or worse.
 */
export const DISTURBED = { stealPercent: 10, otherCpuPercent: 20 } as const;

/**
 * The machine's process CPU in the window that was neither the server nor the load
 * generator: the suite itself, the other target's leftovers, the kernel's flusher
 * threads, anything else running.
 */
export function otherCpuPercent(r: RunRecord): number | null {
  if (r.machineCpuPercent === null || r.machineCpuPercent === undefined || r.serverCpuPercent === null) return null;
  return Math.max(0, r.machineCpuPercent - r.serverCpuPercent - r.generator.cpuPercent);
}

/**
 * From this event-loop utilization of its busiest process the load generator, not the
 * server, may have set the pace: the row says so (the faster server is the one it
 * understates) and keeps its verdict. `--workers 2` spreads the sessions.
 */
export const GENERATOR_SATURATED_ELU = 0.9;

export function generatorLimit(r: RunRecord, who: string): string | null {
  const elu = r.generator.maxElu;
  return elu >= GENERATOR_SATURATED_ELU ? `the generator was near saturation in ${who}'s window (ELU ${elu.toFixed(2)})` : null;
}

export function disturbance(r: RunRecord, who: string): string | null {
  const parts: string[] = [];
  const steal = r.stealPercent ?? null;
  const other = otherCpuPercent(r);
  if (steal !== null && steal >= DISTURBED.stealPercent) parts.push(`${Math.round(steal)}% steal`);
  if (other !== null && other >= DISTURBED.otherCpuPercent) parts.push(`${Math.round(other)}% other CPU`);
  return parts.length === 0 ? null : `${who}'s window disturbed (${parts.join(', ')})`;
}

/** serverCpuPercent is % of one core over the window: CPU seconds per second / ops per second. */
export function cpuUsPerOp(r: RunRecord | undefined): number | null {
  if (!r || r.failure || r.serverCpuPercent === null || r.opsPerSec <= 0) return null;
  return (r.serverCpuPercent / 100) * (1e6 / r.opsPerSec);
}

export function fmtRatio(r: number | null): string {
  return r === null ? '—' : `${r.toFixed(2)}×`;
}

/**
 * The row furthest from its targets: the lowest throughput ratio relative to its target,
 * or the highest p99 ratio relative to its target, whichever is worse.
 */
export function worstRow(rows: ComparisonRow[]): ComparisonRow | null {
  let worst: ComparisonRow | null = null;
  let worstScore = Infinity;
  for (const r of rows) {
    if (r.throughputRatio === null) continue;
    const t = r.throughputRatio / r.throughputTarget;
    const p = r.p99Ratio === null ? Infinity : r.p99Target / r.p99Ratio;
    const score = Math.min(t, p);
    if (score < worstScore) {
      worstScore = score;
      worst = r;
    }
  }
  return worst;
}
