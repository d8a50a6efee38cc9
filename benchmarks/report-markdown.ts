import { TARGETS, type ComparisonRow, type RunRecord } from './compare';
import type { ProfileSummary } from './cpu-profile-summary';
import { compareCells, COMPARE_HEADERS, fmtMs, fmtOps, RUN_HEADERS, runCells } from './report-table';
import type { SuiteMeta } from './suite-meta';

/** The Markdown report: setup stated in full, every run, the verdicts, the plots. */

export function mdTable(headers: string[], rows: string[][]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [`| ${headers.map(esc).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
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
  if (x.comparison.length > 0) {
    out.push(mdTable(COMPARE_HEADERS, x.comparison.map((c) => compareCells(c).map((v, i) => (i === COMPARE_HEADERS.length - 1 ? `**${v}**` : v)))));
    out.push('');
    for (const c of x.comparison) if (c.note) out.push(`- ${c.workload}: **${c.verdict}** — ${c.note}`);
    out.push('');
  }
  out.push('## Runs');
  out.push('');
  out.push('Latency in ms. Server CPU and generator CPU in % of one core over the measured window; gen ELU is the busiest generator process\'s event-loop utilization (1.00 = saturated).');
  out.push('');
  out.push(mdTable(RUN_HEADERS, x.runs.map(runCells)));
  out.push('');
  for (const r of x.runs.filter((r) => r.failure)) out.push(`- ${r.workload} on ${r.target} **FAILED**: ${r.failure}`);
  for (const r of x.runs.filter((r) => r.errorCount > 0)) out.push(`- ${r.workload} on ${r.target}: error replies ${JSON.stringify(r.errors)}`);
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
  out.push('## Setup');
  out.push('');
  for (const [k, v] of Object.entries(m.load)) out.push(`- ${k}: ${v}`);
  out.push('');
  for (const [name, settings] of Object.entries(m.targets)) {
    out.push(`**${name}**`);
    out.push('');
    for (const [k, v] of Object.entries(settings)) out.push(`- ${k}: ${v}`);
    out.push('');
  }
  out.push('Both started servers: ' + Object.entries(m.server).map(([k, v]) => `${k}=${v}`).join(', '));
  out.push('');
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
  out.push('## Reproduce');
  out.push('');
  out.push('```');
  out.push(m.command);
  out.push('```');
  out.push('');
  return out.join('\n');
}
