import { loadavg } from 'node:os';
import type { BenchOptions, StartedTarget } from './bench-options';
import { compareRuns, type RunRecord } from './compare';
import { measureColdStart } from './ensemble-election';
import { DEFAULT_FAILOVER_PARAMS, measureFailover, type FailoverParams } from './ensemble-failover';
import { ensembleConsoleReport, writeEnsembleResults } from './ensemble-report';
import { measureRejoin } from './ensemble-rejoin';
import { sampleLines, timingRows, type TimingRow, type TimingSample } from './ensemble-timings';
import { levelBeforeEachRound } from './equal-trees';
import { measureWorkloadRounds, prepareTarget } from './measure-target';
import type { ProgressFactory } from './progress';
import type { SuiteIO, SuiteResult } from './suite';
import { finishMachine, type SuiteMeta } from './suite-meta';
import { zookeeperLauncher, zoolabLauncher } from './targets/ensemble-launchers';
import { DEFAULT_ENSEMBLE_SETTINGS, ensembleName, openEnsembleTarget, ProcessEnsemble, type MemberLauncher } from './targets/ensemble-target';
import type { Target } from './targets/target';

/**
 * The ensemble rows: zoolab and Apache ZooKeeper each as N processes with the same
 * zoo.cfg settings, measured in the same run, interleaved side by side at every step:
 *  1. cold-start elections (fresh ensembles, R repeats per side, alternating sides);
 *  2. one long-lived ensemble per side: data, the same JIT warm-up as standalone, then
 *     each throughput workload through every member;
 *  3. failovers on those ensembles (R repeats, alternating), then rejoins (a follower
 *     started again without its data, so the leader sends it the tree), last because
 *     they restart members (a restarted JVM is cold again).
 */
export interface EnsembleResult {
  nodes: number;
  repeats: number;
  failover: FailoverParams;
  samples: TimingSample[];
  timings: TimingRow[];
  /** The 1-minute load average at each phase: above the core count, other work competed. */
  loadAverages: Array<{ phase: string; load1: string }>;
}

interface Side {
  kind: StartedTarget;
  name: string;
  launcher: MemberLauncher;
  ensemble: ProcessEnsemble | null;
  target: Target | null;
  failure: string | null;
}

export interface EnsembleRun {
  runs: RunRecord[];
  ensemble: EnsembleResult;
}

function describeSample(s: TimingSample): string {
  return sampleLines([s])[0];
}

async function coldStarts(o: BenchOptions, sides: Side[], progress: ProgressFactory, samples: TimingSample[]): Promise<void> {
  for (let r = 1; r <= o.repeats; r++) {
    for (const side of sides) {
      const missing = side.launcher.missing();
      const s = missing
        ? { side: side.kind, repeat: r, values: { 'election-leader': null, 'election-write': null }, failure: missing, detail: '' }
        : await measureColdStart(() => ProcessEnsemble.create(side.launcher, o.ensemble, o.server), side.kind, r, o.server.startTimeoutMs);
      samples.push(s);
      progress.log(`cold start ${describeSample(s)}`);
    }
  }
}

async function openSide(o: BenchOptions, side: Side, progress: ProgressFactory, meta: SuiteMeta): Promise<void> {
  progress.log(`starting ${side.name} …`);
  try {
    side.ensemble = await ProcessEnsemble.create(side.launcher, o.ensemble, o.server);
    side.target = await openEnsembleTarget(side.ensemble, o.server.startTimeoutMs);
    meta.targets[side.name] = { ...side.target.settings };
    await prepareTarget(o, side.target, o.workloads, progress);
  } catch (e) {
    side.failure = (e as Error).message.split('\n')[0];
    progress.log(`${side.name}: ${side.failure}`);
    meta.targets[side.name] = { ...(meta.targets[side.name] ?? {}), status: side.failure };
  }
}

type Measure = (e: ProcessEnsemble, side: TimingSample['side'], repeat: number, p: FailoverParams) => Promise<TimingSample>;

/**
 * `o.repeats` rounds of `measure` ('failover' or 'rejoin') on each side's long-lived
 * ensemble, sides taking turns. A side that failed is not measured again (`notRun` are its
 * measures then).
 */
async function repeatOnEnsembles(
  what: string,
  notRun: TimingSample['values'],
  measure: Measure,
  o: BenchOptions,
  sides: Side[],
  params: FailoverParams,
  progress: ProgressFactory,
  samples: TimingSample[],
): Promise<void> {
  for (let r = 1; r <= o.repeats; r++) {
    for (const side of sides) {
      let s: TimingSample;
      if (!side.ensemble || side.failure) {
        s = { side: side.kind, repeat: r, values: { ...notRun }, failure: `not run: ${side.failure ?? 'not started'}`, detail: '' };
      } else {
        s = await measure(side.ensemble, side.kind, r, params);
        // An ensemble that did not settle again cannot give the next repeat a fair start.
        if (s.failure && /did not rejoin|did not settle/.test(s.failure)) side.failure = `after ${what} #${r}: ${s.failure}`;
      }
      samples.push(s);
      progress.log(`${what} ${describeSample(s)}`);
    }
  }
}

export async function runEnsembleRows(o: BenchOptions, progress: ProgressFactory, meta: SuiteMeta): Promise<EnsembleRun> {
  const sides: Side[] = o.targets.map((kind) => ({
    kind,
    name: ensembleName(kind, o.ensemble),
    launcher: kind === 'zoolab' ? zoolabLauncher(o.zoolabBin) : zookeeperLauncher(),
    ensemble: null,
    target: null,
    failure: null,
  }));
  const params: FailoverParams = { ...DEFAULT_FAILOVER_PARAMS, payloadBytes: o.payloadBytes };
  const samples: TimingSample[] = [];
  const runs: RunRecord[] = [];
  const loadAverages: EnsembleResult['loadAverages'] = [];
  const noteLoad = (phase: string): void => void loadAverages.push({ phase, load1: loadavg()[0].toFixed(2) });

  noteLoad('start');
  progress.log(`cold-start elections: ${o.repeats} per side, ${o.ensemble} members each`);
  await coldStarts(o, sides, progress, samples);
  noteLoad('after the cold starts');
  try {
    for (const side of sides) await openSide(o, side, progress, meta);
    noteLoad('after the warm-up');
    for (const w of o.workloads) runs.push(...(await measureWorkloadRounds(o, sides, w, progress, levelBeforeEachRound(o, sides, w, progress, meta.treeLevels))));
    noteLoad('after the throughput runs');
    progress.log(`failovers: ${o.repeats} per side (SIGKILL the leader under a steady setData load)`);
    const noFailover = { 'failover-leader': null, 'failover-write': null, 'failover-reconnect': null };
    await repeatOnEnsembles('failover', noFailover, measureFailover, o, sides, params, progress, samples);
    noteLoad('after the failovers');
    progress.log(`rejoins: ${o.repeats} per side (a follower restarted without its data, under a setData load on the leader)`);
    const noRejoin = { 'rejoin-sync': null, 'rejoin-slowest-write': null };
    await repeatOnEnsembles('rejoin', noRejoin, measureRejoin, o, sides, params, progress, samples);
    noteLoad('after the rejoins');
  } finally {
    for (const side of sides) await side.target?.stop();
    for (const side of sides) await side.ensemble?.close();
  }
  return { runs, ensemble: { nodes: o.ensemble, repeats: o.repeats, failover: params, samples, timings: timingRows(samples), loadAverages } };
}

/** The ensemble run's whole body: the rows, the comparison, the console text and the files. */
export async function ensembleSuiteBody(o: BenchOptions, io: SuiteIO, progress: ProgressFactory, meta: SuiteMeta, outDir: string): Promise<SuiteResult> {
  // Fan-out and the wide node are standalone workloads; an ensemble run has neither.
  delete meta.load['fan-out watcher sessions'];
  delete meta.load['children of the wide node'];
  meta.load['ensemble repeats (cold starts, failovers, rejoins)'] = `${o.repeats} per side`;
  meta.server.initLimit = String(DEFAULT_ENSEMBLE_SETTINGS.initLimit);
  meta.server.syncLimit = String(DEFAULT_ENSEMBLE_SETTINGS.syncLimit);
  const { runs, ensemble } = await runEnsembleRows(o, progress, meta);
  const comparison = o.targets.includes('zoolab') && o.targets.includes('zookeeper') ? compareRuns(runs, o.workloads) : [];
  meta.finishedAt = new Date().toISOString();
  finishMachine(meta);
  const text = ensembleConsoleReport(runs, comparison, ensemble);
  const files = writeEnsembleResults(outDir, { meta, runs, comparison, ensemble });
  io.print(`${text}\n\nResults in ${outDir}/: report.md, results.json, ${files.filter((f) => f.endsWith('.svg')).length} SVG plots\n`);
  return { meta, runs, comparison, profile: null, profileWorkload: null, outDir, files, text, ensemble };
}
