import { TARGETS, type ComparisonRow, type RunRecord } from './compare';
import type { ProfileSummary } from './cpu-profile-summary';
import { compareCells, COMPARE_HEADERS, CPU_PER_OP_NOTE, fmtMs, fmtOps, roundsLine, RUN_HEADERS, runCells, SERVER_WORK_NOTE, unsettledLines } from './report-table';
import type { TreeLevel } from './equal-trees';
import { restartLines, type RestartRecord } from './restart-measure';
import type { SuiteMeta } from './suite-meta';

/** The Markdown report: setup stated in full, every run, the verdicts, the plots. */

export function mdTable(headers: string[], rows: string[][]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [`| ${headers.map(esc).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** The comparison table, its verdict column in bold, and the notes under it (nothing without rows). */
export function comparisonSection(comparison: ComparisonRow[]): string[] {
  if (comparison.length === 0) return [];
  const out = [mdTable(COMPARE_HEADERS, comparison.map((c) => compareCells(c).map((v, i) => (i === COMPARE_HEADERS.length - 1 ? `**${v}**` : v)))), '', CPU_PER_OP_NOTE, ''];
  for (const c of comparison) if (c.note) out.push(`- ${c.workload}: **${c.verdict}** — ${c.note}`);
  out.push('');
  return out;
}

/** The runs table, then a list item for each run that failed or had error replies. */
export function runsTable(runs: RunRecord[]): string[] {
  const out: string[] = [mdTable(RUN_HEADERS, runs.map(runCells)), '', SERVER_WORK_NOTE, ''];
  for (const r of runs.filter((r) => r.failure)) out.push(`- ${r.workload} on ${r.target} **FAILED**: ${r.failure}`);
  for (const r of runs.filter((r) => r.errorCount > 0)) out.push(`- ${r.workload} on ${r.target}: error replies ${JSON.stringify(r.errors)}`);
  for (const r of runs.filter((r) => r.roundOpsPerSec)) out.push(`- ${r.workload} on ${r.target}: ${roundsLine(r)}`);
  for (const line of unsettledLines(runs)) out.push(`- ${line}`);
  return out;
}

/** ## Setup: the load settings, each target's settings, then the server settings both sides got. */
export function setupSection(m: SuiteMeta, serversLabel: string): string[] {
  const out: string[] = ['## Setup', ''];
  for (const [k, v] of Object.entries(m.load)) out.push(`- ${k}: ${v}`);
  const gb = (n: number | null): string => (n === null ? '?' : `${n} GB`);
  out.push(`- free disk where the started servers keep their data (${m.machine.dataDirParent}): ${gb(m.machine.freeDiskGbAtStart)} at the start, ${gb(m.machine.freeDiskGbAtEnd)} at the end`);
  out.push('');
  for (const [name, settings] of Object.entries(m.targets)) {
    out.push(`**${name}**`);
    out.push('');
    for (const [k, v] of Object.entries(settings)) out.push(`- ${k}: ${v}`);
    out.push('');
  }
  out.push(`${serversLabel}: ` + Object.entries(m.server).map(([k, v]) => `${k}=${v}`).join(', '));
  out.push('');
  const evened = m.treeLevels.filter((l) => Object.values(l.added).some((n) => n > 0));
  if (evened.length > 0) {
    out.push('Trees evened before a round (children of the create parent before it, and the creates added outside any window):');
    out.push('');
    for (const l of evened) out.push(`- ${treeLevelLine(l)}`);
    out.push('');
  }
  return out;
}

export function treeLevelLine(l: TreeLevel): string {
  const sizes = Object.entries(l.before).map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`);
  const adds = Object.entries(l.added)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} +${n.toLocaleString('en-US')}`);
  return `before ${l.workload} round ${l.round + 1}: ${sizes.join(' · ')} → ${adds.join(', ')}${l.failure ? ` (not finished: ${l.failure})` : ''}`;
}

/** ## Reproduce: the command that made the report. */
export function reproduceSection(m: SuiteMeta): string[] {
  return ['## Reproduce', '', '```', m.command, '```', ''];
}

export interface MarkdownInput {
  meta: SuiteMeta;
  runs: RunRecord[];
  comparison: ComparisonRow[];
  profile: ProfileSummary | null;
  profileWorkload: string | null;
  profileRun: RunRecord | null;
  throughputSvg: string;
  cdfSvgs: Array<{ workload: string; file: string }>;
  restarts?: RestartRecord[];
}

export function markdownReport(x: MarkdownInput): string {
  const m = x.meta;
  const out: string[] = [];
  out.push(`# zoolab vs Apache ZooKeeper — ${m.startedAt}`);
  out.push('');
  out.push(
    `${m.quick ? 'Quick comparison (`npm run bench`)' : 'Benchmark run'} on ${m.machine.cpus} × ${m.machine.cpuModel}, ` +
      `${m.machine.memoryGb} GiB, ${m.machine.os}. Client and servers share this machine: the load generator's own CPU ` +
      `use is reported next to each run, so a reader can see when it, not the server, was the limit. ` +
      `1-minute load average: ${m.machine.loadAverageAtStart} at the start, ${m.machine.loadAverageAtEnd} at the end` +
      (Number(m.machine.loadAverageAtStart) > m.machine.cpus * 0.5 ? ' — other processes were using the CPUs, so expect noise.' : '.'),
  );
  out.push('');
  out.push('## Verdicts');
  out.push('');
  out.push(`Targets: writes ≥ ${TARGETS.writeThroughput}× ZooKeeper's throughput, reads ≥ ${TARGETS.readThroughput}×, p99 latency ≤ ${TARGETS.p99}×. A row meets only if both hold.`);
  out.push('');
  out.push(...comparisonSection(x.comparison));
  const restart = restartLines(x.restarts ?? []);
  if (restart.length > 0) out.push('## Restart', '', restart[0], '', ...restart.slice(1).map((l) => `- ${l.trim()}`), '');
  out.push('## Runs');
  out.push('');
  out.push('Latency in ms. Server CPU and generator CPU in % of one core over the measured window; gen ELU is the busiest generator process\'s event-loop utilization (1.00 = saturated).');
  out.push('');
  out.push(...runsTable(x.runs));
  for (const r of x.runs.filter((r) => r.notificationLatency)) {
    const n = r.notificationLatency!;
    out.push(`- ${r.workload} on ${r.target}: per-notification latency p50 ${fmtMs(n.p50Ms)} ms, p99 ${fmtMs(n.p99Ms)} ms (rows above: until the last watcher)`);
  }
  out.push('');
  out.push(`![throughput](${x.throughputSvg})`);
  out.push('');
  out.push('### Latency CDFs');
  out.push('');
  for (const c of x.cdfSvgs) out.push(`![${c.workload}](${c.file})`);
  out.push('');
  out.push('## Workloads');
  out.push('');
  const seen = new Set<string>();
  for (const r of x.runs) {
    if (seen.has(r.workload)) continue;
    seen.add(r.workload);
    out.push(`- **${r.workload}** (${r.class}): ${r.description}`);
  }
  out.push('');
  out.push(...setupSection(m, 'Both started servers'));
  if (m.pending.length > 0) {
    out.push('## Ensemble rows');
    out.push('');
    out.push('This run measured standalone servers. The ensemble rows are made by their own command (both sides as 3 or 5 processes):');
    out.push('');
    out.push(mdTable(['measure', 'ensemble', 'run with'], m.pending.map((p) => [p.measure, p.ensemble, `\`${p.command}\``])));
    out.push('');
  }
  if (x.profile) {
    out.push(`## Where zoolab spends its time (${x.profileWorkload})`);
    out.push('');
    if (x.profileRun) {
      out.push(
        `Profiled run (zoolab under \`--cpu-prof\`, which slows it): ${fmtOps(x.profileRun.opsPerSec)} ops/s, p99 ${fmtMs(x.profileRun.latency.p99Ms)} ms. ` +
          `Busy ${x.profile.busyMs} ms, idle ${x.profile.idleMs} ms, GC ${x.profile.gcPercent.toFixed(1)}% of busy time.`,
      );
      out.push('');
    }
    out.push(
      mdTable(
        ['self %', 'total %', 'function', 'source', 'called from (project)'],
        x.profile.top.map((h) => [h.selfPercent.toFixed(1), h.totalPercent.toFixed(1), h.function, h.location || 'V8', h.via ?? '']),
      ),
    );
    out.push('');
    out.push(mdTable(['self %', 'file'], x.profile.byFile.map((f) => [f.selfPercent.toFixed(1), f.file])));
    out.push('');
  }
  out.push(...reproduceSection(m));
  return out.join('\n');
}
