import { fmtRatio, otherCpuPercent, TARGETS, type ComparisonRow, type RunRecord } from './compare';
import { fmtOpsPerSync, fmtSnapshots } from './server-work';
import { describeSettle } from './settle';

/** The console report: every run, then the comparison with a verdict on every row. */

export function textTable(headers: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function fmtOps(n: number | null): string {
  if (n === null) return '—';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

export function fmtMs(n: number | null): string {
  if (n === null) return '—';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function fmtPct(n: number | null): string {
  return n === null ? '—' : `${Math.round(n)}%`;
}

export function fmtRssMb(mb: number | null): string {
  return mb === null ? '—' : `${mb.toLocaleString('en-US')} MB`;
}

export const RUN_HEADERS = ['workload', 'target', 'ops/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'server CPU', 'server RSS', 'snapshots', 'ops/sync', 'gen CPU', 'gen ELU', 'other CPU', 'steal'];
export const RUN_RIGHT = [false, false, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

export function runCells(r: RunRecord): string[] {
  if (r.failure) return [r.workload, r.target, 'FAILED', '', '', '', '', '', String(r.errorCount), '', '', '', '', '', '', '', ''];
  return [
    r.workload,
    r.target,
    fmtOps(r.opsPerSec),
    fmtMs(r.latency.p50Ms),
    fmtMs(r.latency.p90Ms),
    fmtMs(r.latency.p99Ms),
    fmtMs(r.latency.p999Ms),
    fmtMs(r.latency.maxMs),
    String(r.errorCount),
    fmtPct(r.serverCpuPercent),
    fmtRssMb(r.serverRssMb),
    fmtSnapshots(r.serverWork),
    fmtOpsPerSync(r.writes, r.serverWork),
    fmtPct(r.generator.cpuPercent),
    r.generator.maxElu.toFixed(2),
    fmtPct(otherCpuPercent(r)),
    fmtPct(r.stealPercent ?? null),
  ];
}

export const COMPARE_HEADERS = [
  'workload',
  'class',
  'zoolab ops/s',
  'ZK ops/s',
  'ops ratio',
  'target',
  'zoolab p99',
  'ZK p99',
  'p99 ratio',
  'target',
  'CPU µs/op zoolab · ZK',
  'CPU ratio',
  'verdict',
];
export const COMPARE_RIGHT = [false, false, true, true, true, true, true, true, true, true, true, true, false];

export function compareCells(c: ComparisonRow): string[] {
  return [
    c.workload,
    c.class,
    fmtOps(c.zoolabOpsPerSec),
    fmtOps(c.zookeeperOpsPerSec),
    fmtRatio(c.throughputRatio),
    `≥ ${c.throughputTarget}×`,
    fmtMs(c.zoolabP99Ms),
    fmtMs(c.zookeeperP99Ms),
    fmtRatio(c.p99Ratio),
    `≤ ${c.p99Target}×`,
    c.zoolabCpuUsPerOp === null && c.zookeeperCpuUsPerOp === null ? '—' : `${fmtUs(c.zoolabCpuUsPerOp)} · ${fmtUs(c.zookeeperCpuUsPerOp)}`,
    fmtRatio(c.cpuPerOpRatio),
    c.verdict,
  ];
}

export const SERVER_WORK_NOTE =
  'server RSS: the server\'s resident memory when the window ended (every member of an ensemble added up; a JVM keeps the heap it has grown, ' +
  'so ZooKeeper\'s is not only its live data). snapshots: those the server finished in the window · their time; ops/sync: write requests per txn-log sync on each server (the mean group commit) — ' +
  'both from mntr, all members of an ensemble added up. other CPU: the machine\'s process CPU in the window that was neither the server nor the load generator; ' +
  'steal: time the hypervisor gave this machine\'s CPUs to someone else (both in % of one core, from /proc/stat).';

export const CPU_PER_OP_NOTE =
  'CPU µs/op: server CPU time per operation over all its threads (all members of an ensemble), no target — ' +
  'the work a request costs, apart from how many cores each server could spread it over.';

function fmtUs(us: number | null): string {
  return us === null ? '—' : us >= 100 ? us.toFixed(0) : us.toFixed(1);
}

/**
 * Runs whose settle step found the machine busy until it gave up. None with --no-settle,
 * and none where the machine's CPU cannot be read (off Linux every run would say so).
 */
export function unsettledLines(runs: RunRecord[]): string[] {
  return runs.filter((r) => r.settle && !r.settle.quiet && r.settle.busyPercent !== null).map((r) => `${r.workload} on ${r.target}: ${describeSettle(r.settle)}`);
}

/** Each round's ops/s of a record pooled from --rounds. */
export function roundsLine(r: RunRecord): string {
  return `rounds ${(r.roundOpsPerSec ?? []).map((v) => fmtOps(v)).join(' · ')} ops/s (pooled: ${fmtOps(r.opsPerSec)})`;
}

export function consoleReport(runs: RunRecord[], rows: ComparisonRow[]): string {
  const out: string[] = [];
  out.push('Runs (latency in ms; server CPU and generator CPU in % of one core; ELU = generator event-loop utilization, 1.00 = saturated)');
  out.push(`  ${SERVER_WORK_NOTE}`);
  out.push(textTable(RUN_HEADERS, runs.map(runCells), RUN_RIGHT));
  const failed = runs.filter((r) => r.failure);
  for (const r of failed) out.push(`  ${r.workload} on ${r.target} FAILED: ${r.failure}`);
  for (const r of runs.filter((x) => x.roundOpsPerSec)) out.push(`  ${r.workload} on ${r.target}: ${roundsLine(r)}`);
  for (const line of unsettledLines(runs)) out.push(`  ${line}`);
  if (rows.length > 0 && rows.some((r) => r.verdict !== 'NO DATA' || r.note)) {
    out.push('');
    out.push(
      `zoolab / Apache ZooKeeper (targets: writes ≥ ${TARGETS.writeThroughput}× throughput, reads ≥ ${TARGETS.readThroughput}×, p99 ≤ ${TARGETS.p99}×)`,
    );
    out.push(textTable(COMPARE_HEADERS, rows.map(compareCells), COMPARE_RIGHT));
    out.push(`  ${CPU_PER_OP_NOTE}`);
    for (const r of rows) if (r.note) out.push(`  ${r.workload}: ${r.verdict} — ${r.note}`);
    const met = rows.filter((r) => r.verdict === 'MEET').length;
    const missed = rows.filter((r) => r.verdict === 'MISS').length;
    out.push(`  ${met} MEET, ${missed} MISS, ${rows.length - met - missed} NO DATA`);
  }
  return out.join('\n');
}
