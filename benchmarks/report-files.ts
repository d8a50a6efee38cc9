import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from './compare';
import { latencyCdf, throughputChart } from './svg-plots';

export interface ReportFileTitles {
  /** The throughput chart's title. */
  throughput: string;
  /** A workload's latency CDF title. */
  cdf: (workload: string) => string;
}

/**
 * Writes a run's files into `outDir`: results.json (all of `results`), throughput.svg, a
 * latency-<workload>.svg for each workload with latency samples, and report.md, which
 * `markdown` writes given those CDF files. Returns the names written, in that order.
 */
export function writeReportFiles<R extends { runs: RunRecord[] }>(
  outDir: string,
  results: R,
  titles: ReportFileTitles,
  markdown: (cdfSvgs: Array<{ workload: string; file: string }>) => string,
): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string): void => {
    writeFileSync(join(outDir, name), content);
    files.push(name);
  };
  write('results.json', JSON.stringify(results, null, 2) + '\n');
  const targets = [...new Set(results.runs.map((r) => r.target))];
  const workloads = [...new Set(results.runs.map((r) => r.workload))];
  const find = (w: string, t: string): RunRecord | undefined => results.runs.find((r) => r.workload === w && r.target === t);
  write(
    'throughput.svg',
    throughputChart(titles.throughput, workloads, targets, (w, t) => {
      const r = find(w, t);
      return r && !r.failure ? r.opsPerSec : null;
    }),
  );
  const cdfs: Array<{ workload: string; file: string }> = [];
  for (const w of workloads) {
    const series = targets.map((t) => ({ name: t, points: find(w, t)?.spectrum ?? [] }));
    if (series.every((s) => s.points.length === 0)) continue;
    const file = `latency-${w}.svg`;
    write(file, latencyCdf(titles.cdf(w), series));
    cdfs.push({ workload: w, file });
  }
  write('report.md', markdown(cdfs));
  return files;
}
