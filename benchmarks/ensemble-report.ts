import { TARGETS, type ComparisonRow, type RunRecord } from './compare';
import type { EnsembleResult } from './ensemble-suite';
import { FAILOVER_TARGET, sampleLines, TIMING_HEADERS, timingCells, timingTable } from './ensemble-timings';
import { comparisonSection, mdTable, reproduceSection, runsTable, setupSection } from './report-markdown';
import { consoleReport } from './report-table';
import type { SuiteMeta } from './suite-meta';
import { writeReportFiles } from './report-files';

/** The ensemble run's console text, Markdown report and files. */

function loadLine(e: EnsembleResult): string {
  return `1-minute load average by phase: ${e.loadAverages.map((l) => `${l.phase} ${l.load1}`).join(', ')}`;
}

function howMeasured(e: EnsembleResult): string[] {
  const f = e.failover;
  return [
    `Cold start: a fresh ensemble (empty dataDirs, new ports) spawned back to back; times from the first spawn, process start included (no JIT warm-up can apply). ` +
      `Every member is polled every 10 ms: srvr for Mode: leader, and connect + create (a new session each try).`,
    `Failover: ${f.sessions} sessions through the followers, ${f.outstanding} setData of ${f.payloadBytes} B in flight on each, ${f.steadyMs} ms of steady load, then SIGKILL the leader. ` +
      `"Writes succeed again" = the first success of a setData sent after the kill (sessions dropped by a member reconnect at once, to any live member, every 10 ms). ` +
      `The killed member is restarted and the ensemble settles (one leader, the rest following) before the next repeat; a repeat gives up ${f.timeoutMs / 1000} s after the kill.`,
    `Rejoin: a follower is SIGKILLed, its version-2 directory deleted and it is started again, so the leader sends it everything (the leader's mntr counts whether as a SNAP or a DIFF: snap_count, diff_count). ` +
      `Timed from its spawn until its srvr shows Mode: follower; meanwhile one session on the leader keeps one setData of ${f.payloadBytes} B in flight, and the slowest of those answered from the spawn on is stated. No target.`,
  ];
}

export function ensembleConsoleReport(runs: RunRecord[], comparison: ComparisonRow[], e: EnsembleResult): string {
  const out: string[] = [];
  out.push(`Ensemble of ${e.nodes}: election, failover and rejoin, ${e.repeats} repeats per side (ms; target: failover ≤ ${FAILOVER_TARGET}× ZooKeeper's median)`);
  out.push(timingTable(e.timings));
  for (const r of e.timings) if (r.note) out.push(`  ${r.label}: ${r.verdict} — ${r.note}`);
  out.push('');
  out.push('Every repeat:');
  for (const l of sampleLines(e.samples)) out.push(`  ${l}`);
  out.push('');
  out.push(`Throughput through every member of the ${e.nodes}-member ensembles`);
  out.push(consoleReport(runs, comparison));
  out.push('');
  out.push(loadLine(e));
  return out.join('\n');
}

export function ensembleMarkdown(x: { meta: SuiteMeta; runs: RunRecord[]; comparison: ComparisonRow[]; ensemble: EnsembleResult; cdfSvgs: Array<{ workload: string; file: string }> }): string {
  const m = x.meta;
  const e = x.ensemble;
  const out: string[] = [];
  out.push(`# zoolab vs Apache ZooKeeper, ensembles of ${e.nodes} — ${m.startedAt}`);
  out.push('');
  out.push(
    `${m.quick ? 'Quick ensemble comparison (`npm run bench:ensemble`)' : 'Ensemble benchmark run'} on ${m.machine.cpus} × ${m.machine.cpuModel}, ${m.machine.memoryGb} GiB, ${m.machine.os}. ` +
      `Both ensembles (${e.nodes} processes each), the load generator and anything else on the machine share its cores. ${loadLine(e)}` +
      (e.loadAverages.some((l) => Number(l.load1) > m.machine.cpus * 0.5) ? ' — other processes were using the CPUs, so expect noise.' : '.'),
  );
  out.push('');
  out.push('## Verdicts');
  out.push('');
  out.push(`Targets: failover ≤ ${FAILOVER_TARGET}× ZooKeeper's time (median to median); writes ≥ ${TARGETS.writeThroughput}× throughput, reads ≥ ${TARGETS.readThroughput}×, p99 ≤ ${TARGETS.p99}×. Election from a cold start and rejoin have no target and are stated as INFO.`);
  out.push('');
  out.push(mdTable(TIMING_HEADERS, e.timings.map((r) => timingCells(r).map((v, i) => (i === TIMING_HEADERS.length - 1 ? `**${v}**` : v)))));
  out.push('');
  for (const r of e.timings) if (r.note) out.push(`- ${r.label}: **${r.verdict}** — ${r.note}`);
  out.push('');
  out.push(...comparisonSection(x.comparison));
  out.push('## How election, failover and rejoin are measured');
  out.push('');
  for (const l of howMeasured(e)) out.push(`- ${l}`);
  out.push('');
  out.push('Every repeat:');
  out.push('');
  for (const l of sampleLines(e.samples)) out.push(`- ${l}`);
  out.push('');
  out.push('## Throughput runs');
  out.push('');
  out.push('Sessions spread over every member, round robin. Latency in ms; server CPU is the sum over all members, in % of one core.');
  out.push('');
  out.push(...runsTable(x.runs));
  out.push('');
  out.push('![throughput](throughput.svg)');
  out.push('');
  for (const c of x.cdfSvgs) out.push(`![${c.workload}](${c.file})`);
  out.push('');
  out.push(...setupSection(m, 'Every member of both ensembles'));
  out.push(...reproduceSection(m));
  return out.join('\n');
}

export function writeEnsembleResults(outDir: string, x: { meta: SuiteMeta; runs: RunRecord[]; comparison: ComparisonRow[]; ensemble: EnsembleResult }): string[] {
  const titles = {
    throughput: `Throughput per workload, ensembles of ${x.ensemble.nodes} (ops/s)`,
    cdf: (w: string) => `${w} through ${x.ensemble.nodes} members: latency CDF`,
  };
  return writeReportFiles(outDir, x, titles, (cdfSvgs) => ensembleMarkdown({ ...x, cdfSvgs }));
}
