import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchOptions, StartedTarget } from './bench-options';
import { compareRuns, worstRow, type ComparisonRow, type RunRecord } from './compare';
import { formatProfileSummary, summarizeCpuProfile, type ProfileSummary } from './cpu-profile-summary';
import { levelBeforeEachRound } from './equal-trees';
import { ensembleSuiteBody, type EnsembleResult } from './ensemble-suite';
import { countSnapshots, measureWorkload, measureWorkloadRounds, prepareTarget } from './measure-target';
import { progressFactory, type ProgressFactory } from './progress';
import { measureRestarts, restartLines, type RestartRecord } from './restart-measure';
import { writeReportFiles } from './report-files';
import { markdownReport } from './report-markdown';
import { consoleReport } from './report-table';
import { heapWarning } from './heap-sizing';
import { ENSEMBLE_COMMAND, finishMachine, lowDiskWarning, suiteMeta, type SuiteMeta } from './suite-meta';
import { externalTarget } from './targets/external-target';
import type { Target } from './targets/target';
import { startZoolabTarget } from './targets/zoolab-target';
import { startZooKeeperTarget } from './targets/zookeeper-target';
import type { WorkloadName } from './workloads';

/**
 * The benchmark suite: each target in turn (one server at a time, so they never compete
 * for the two cores), the same workloads in the same order, then the comparison, the
 * files (JSON, Markdown, SVG) and, if asked, a CPU profile of zoolab under the workload
 * where it is furthest from its targets.
 */
export interface SuiteResult {
  meta: SuiteMeta;
  runs: RunRecord[];
  comparison: ComparisonRow[];
  profile: ProfileSummary | null;
  profileWorkload: WorkloadName | null;
  outDir: string;
  files: string[];
  /** The console report (also printed). */
  text: string;
  /** An ensemble run's election and failover times (--ensemble 3|5). */
  ensemble?: EnsembleResult;
  /** Each started target's restart after SIGKILL on the tree the run grew (standalone). */
  restarts?: RestartRecord[];
}

export interface SuiteIO {
  print(text: string): void;
  progress?: ProgressFactory;
  /** The command line to print under "Reproduce". */
  command?: string;
  /** The project root, for source paths in the profile. */
  root?: string;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/:/g, '-').replace(/\..*$/, '');
}

async function startTarget(o: BenchOptions, kind: StartedTarget, profileDir?: string): Promise<Target> {
  return kind === 'zoolab' ? startZoolabTarget({ bin: o.zoolabBin, settings: o.server, profileDir }) : startZooKeeperTarget(o.server);
}

/** A target to measure: how to start it and, once started, the server or why it is missing. */
interface Slot {
  kind: Target['kind'];
  name: string;
  start: () => Promise<Target>;
  target: Target | null;
  failure: string | null;
  cpuProfile: string | null;
}

/** Starts and prepares each target in turn (data, then the same warm-up for each). */
async function openSlot(o: BenchOptions, slot: Slot, progress: ProgressFactory, meta: SuiteMeta): Promise<void> {
  progress.log(`starting ${slot.name} …`);
  try {
    slot.target = await slot.start();
  } catch (e) {
    slot.failure = `could not start: ${(e as Error).message.split('\n')[0]}`;
    progress.log(`${slot.name} ${slot.failure}`);
    meta.targets[slot.name] = { status: slot.failure };
    return;
  }
  meta.targets[slot.name] = { ...slot.target.settings, address: `${slot.target.host}:${slot.target.port}` };
  try {
    await prepareTarget(o, slot.target, o.workloads, progress);
  } catch (e) {
    slot.failure = (e as Error).message.split('\n')[0];
    progress.log(`${slot.name}: ${slot.failure}`);
  }
}

async function closeSlot(slot: Slot, meta: SuiteMeta): Promise<void> {
  if (!slot.target) return;
  const snaps = countSnapshots(slot.target.dataDir);
  if (snaps !== null) meta.targets[slot.name]['snapshots taken during the run'] = String(snaps);
  slot.cpuProfile = (await slot.target.stop()).cpuProfile;
}

/**
 * Every target stays up while each workload runs on one target after the other, before
 * the next workload: on a shared machine whose load drifts, both sides of a ratio are
 * then measured minutes apart at most, not a whole suite apart.
 */
async function measureInterleaved(
  o: BenchOptions,
  slots: Slot[],
  progress: ProgressFactory,
  meta: SuiteMeta,
  restarts: RestartRecord[] | null,
): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  try {
    for (const slot of slots) await openSlot(o, slot, progress, meta);
    for (const w of o.workloads) runs.push(...(await measureWorkloadRounds(o, slots, w, progress, levelBeforeEachRound(o, slots, w, progress, meta.treeLevels))));
    if (restarts !== null) restarts.push(...(await measureRestarts(slots.filter((x) => x.failure === null), progress)));
  } finally {
    for (const slot of slots) await closeSlot(slot, meta);
  }
  return runs;
}

/** Reruns one workload on zoolab alone under --cpu-prof and summarizes where the time went. */
async function profileZoolab(
  o: BenchOptions,
  workload: WorkloadName,
  profileDir: string,
  root: string,
  progress: ProgressFactory,
): Promise<{ summary: ProfileSummary | null; run: RunRecord | null }> {
  mkdirSync(profileDir, { recursive: true });
  progress.log(`profiling zoolab under ${workload} (node --cpu-prof) …`);
  const target = await startTarget(o, 'zoolab', profileDir);
  let run: RunRecord | null = null;
  try {
    await prepareTarget({ ...o, targetWarmupSec: Math.min(o.targetWarmupSec, 5) }, target, [workload], progress);
    run = await measureWorkload(o, target, workload, progress);
  } catch (e) {
    progress.log(`the profiled run failed: ${(e as Error).message.split('\n')[0]}`);
  }
  const { cpuProfile } = await target.stop();
  if (!cpuProfile) {
    progress.log('zoolab wrote no CPU profile (did it exit cleanly on SIGINT?)');
    return { summary: null, run };
  }
  return { summary: summarizeCpuProfile(cpuProfile, root), run };
}

export async function runSuite(o: BenchOptions, io: SuiteIO): Promise<SuiteResult> {
  // Ctrl-C must not leave servers behind: exiting runs the targets' exit hooks, which kill them.
  const onSignal = (): void => process.exit(130);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await suiteBody(o, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function suiteBody(o: BenchOptions, io: SuiteIO): Promise<SuiteResult> {
  const progress = io.progress ?? progressFactory(o.progress);
  const root = io.root ?? process.cwd();
  const startedAt = new Date();
  const outDir = resolve(o.outDir ?? join(process.cwd(), 'results', stamp(startedAt)));
  const meta = suiteMeta(o, startedAt, io.command ?? 'zoolab bench');
  for (const warning of [lowDiskWarning(meta), heapWarning(o)]) if (warning) progress.log(`warning: ${warning}`);
  if (o.ensemble > 1) return ensembleSuiteBody(o, io, progress, meta, outDir);
  const runs: RunRecord[] = [];

  // Profiling zoolab alone on one workload: profile that run itself rather than a second one.
  const profileInline = o.profile && o.targets.join() === 'zoolab' && o.external.length === 0 && o.workloads.length === 1;
  const profileDir = join(outDir, 'profile');
  const slots: Slot[] = [
    ...o.targets.map((kind) => ({
      kind,
      name: kind,
      start: () => startTarget(o, kind, profileInline && kind === 'zoolab' ? profileDir : undefined),
      target: null,
      failure: null,
      cpuProfile: null,
    })),
    ...o.external.map((spec) => ({ kind: 'external' as const, name: spec, start: () => externalTarget(spec), target: null, failure: null, cpuProfile: null })),
  ];
  // A crashed server writes no CPU profile: the profiled zoolab is not restarted.
  const restarts: RestartRecord[] | null = o.restart && !profileInline ? [] : null;
  runs.push(...(await measureInterleaved(o, slots, progress, meta, restarts)));
  const inlineProfile = slots.find((x) => x.kind === 'zoolab')?.cpuProfile ?? null;
  const comparison = o.targets.includes('zoolab') && o.targets.includes('zookeeper') ? compareRuns(runs, o.workloads) : [];

  let profile: ProfileSummary | null = null;
  let profileRun: RunRecord | null = null;
  let profileWorkload: WorkloadName | null = null;
  if (profileInline) {
    profileWorkload = o.workloads[0];
    profileRun = runs[0] ?? null;
    profile = inlineProfile ? summarizeCpuProfile(inlineProfile, root) : null;
    if (!inlineProfile) progress.log('zoolab wrote no CPU profile (did it exit cleanly on SIGINT?)');
  } else if (o.profile) {
    profileWorkload = worstRow(comparison)?.workload ?? o.workloads[0];
    const p = await profileZoolab(o, profileWorkload, profileDir, root, progress);
    profile = p.summary;
    profileRun = p.run;
  }
  meta.finishedAt = new Date().toISOString();
  finishMachine(meta);

  const pending = meta.pending.length > 0 ? `Ensemble rows (not in a standalone run): ${meta.pending.map((p) => p.measure).join('; ')} — run ${ENSEMBLE_COMMAND}.` : '';
  const restartText = restartLines(restarts ?? []).join('\n');
  const text =
    consoleReport(runs, comparison) +
    (restartText ? `\n\n${restartText}` : '') +
    (pending ? `\n\n${pending}` : '') +
    (profile ? `\n\nzoolab under ${profileWorkload}:\n${formatProfileSummary(profile)}` : '');
  const files = writeResults(outDir, { meta, runs, comparison, profile, profileWorkload, profileRun, restarts: restarts ?? [] });
  io.print(`${text}\n\nResults in ${outDir}/: report.md, results.json, ${files.filter((f) => f.endsWith('.svg')).length} SVG plots\n`);
  return { meta, runs, comparison, profile, profileWorkload, outDir, files, text, restarts: restarts ?? [] };
}

function writeResults(
  outDir: string,
  x: {
    meta: SuiteMeta;
    runs: RunRecord[];
    comparison: ComparisonRow[];
    profile: ProfileSummary | null;
    profileWorkload: WorkloadName | null;
    profileRun: RunRecord | null;
    restarts: RestartRecord[];
  },
): string[] {
  const titles = { throughput: 'Throughput per workload (ops/s)', cdf: (w: string) => `${w}: latency CDF` };
  return writeReportFiles(outDir, x, titles, (cdfSvgs) => markdownReport({ ...x, throughputSvg: 'throughput.svg', cdfSvgs }));
}
