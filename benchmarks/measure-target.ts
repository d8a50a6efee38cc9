import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options';
import type { RunRecord } from './compare';
import { createFixtures } from './fixtures';
import { encodeHistogram, newHistogram, percentileSpectrum, summarize } from './latency-histogram';
import { runLoad, type LoadOutcome, type LoadPlan } from './load-runner';
import { machineCpuBetween, readMachineCpu, type MachineCpu } from './machine-cpu';
import { mergeRounds } from './merge-rounds';
import type { ProgressFactory } from './progress';
import { fmtMs, fmtOps } from './report-table';
import { readServerWork, workBetween, type ServerWork } from './server-work';
import { settleMachine } from './settle';
import { processCpuMs, processRssMb } from './targets/process-util';
import { targetAddresses, type Target } from './targets/target';
import { workloadDef, type Fixture, type WorkloadDef, type WorkloadName } from './workloads';

/**
 * Runs the chosen workloads on one target, in order: its data first, then the target
 * warm-up (the same for every target, long enough for the JVM's JIT), then each workload
 * with its own warm-up and measured window.
 */

export function planFor(o: BenchOptions, target: Target, w: WorkloadDef, override: Partial<LoadPlan> = {}): LoadPlan {
  return {
    host: target.host,
    port: target.port,
    servers: target.servers ? [...target.servers] : undefined,
    workload: w,
    workers: o.workers,
    sessions: w.driver === 'fanout' ? o.fanoutWatchers : o.sessions,
    outstanding: o.outstanding,
    request: { payloadBytes: o.payloadBytes, keys: o.keys, distribution: o.distribution, seed: o.seed, multiOps: o.multiOps },
    sessionTimeoutMs: o.sessionTimeoutMs,
    warmupMs: o.warmupSec * 1000,
    durationMs: o.durationSec === null ? null : o.durationSec * 1000,
    ops: o.ops,
    generatorExecArgv: o.profileGeneratorDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.profileGeneratorDir}`],
    ...override,
  };
}

export async function prepareTarget(o: BenchOptions, target: Target, workloads: WorkloadName[], progress: ProgressFactory): Promise<void> {
  const needs = new Set<Fixture>(['keys']);
  for (const w of workloads) for (const f of workloadDef(w).needs) needs.add(f);
  progress.log(`${target.name}: creating the benchmark's data (${[...needs].join(', ')})`);
  await createFixtures(target.host, target.port, needs, { keys: o.keys, wideChildren: o.wideChildren, payloadBytes: o.payloadBytes });
  if (o.targetWarmupSec <= 0) return;
  const warm = workloadDef('mixed-50-50');
  const bar = progress.start(`${target.name} target warm-up`, o.targetWarmupSec, null);
  const outcome = await runLoad(planFor(o, target, warm, { warmupMs: o.targetWarmupSec * 1000, durationMs: 0, ops: null }), {
    progress: (phase, done, ms) => bar.update(phase, done, ms),
    window: () => undefined,
  });
  bar.stop(outcome.failure ? `FAILED: ${outcome.failure}` : 'done');
  if (outcome.failure) throw new Error(`the target warm-up failed: ${outcome.failure}`);
}

export async function measureWorkload(o: BenchOptions, target: Target, name: WorkloadName, progress: ProgressFactory): Promise<RunRecord> {
  const w = workloadDef(name);
  const plan = planFor(o, target, w);
  const bar = progress.start(`${name} on ${target.name}`, o.warmupSec + (o.durationSec ?? 0), o.ops);
  // Before the warm-up: the warm-up then loads this target on a machine nothing else is using.
  const settle = o.settle ? await settleMachine() : null;
  let machine0: MachineCpu | null = null;
  let machine1: MachineCpu | null = null;
  let cpu0: number | null = null;
  let cpu1: number | null = null;
  let t0 = 0;
  let t1 = 0;
  let outcome: LoadOutcome | null = null;
  let failure: string | null = null;
  // mntr only on servers the suite started (whitelisted there); read at both edges.
  const mntrAt = target.kind === 'external' ? null : targetAddresses(target);
  let work0: Promise<ServerWork | null> | null = null;
  let work1: Promise<ServerWork | null> | null = null;
  try {
    outcome = await runLoad(plan, {
      progress: (phase, done, ms) => bar.update(phase, done, ms),
      window: (edge) => {
        if (mntrAt !== null) {
          if (edge === 'start') work0 = readServerWork(mntrAt);
          else work1 = readServerWork(mntrAt);
        }
        if (edge === 'start') machine0 = readMachineCpu();
        else machine1 = readMachineCpu();
        if (target.pid === null) return;
        const cpu = target.cpuMs ? target.cpuMs() : processCpuMs(target.pid);
        if (edge === 'start') {
          cpu0 = cpu;
          t0 = performance.now();
        } else {
          cpu1 = cpu;
          t1 = performance.now();
        }
      },
    });
    failure = outcome.failure;
  } catch (e) {
    failure = (e as Error).message;
  }
  if (failure !== null && target.diagnose) {
    const why = target.diagnose();
    if (why) failure = `${failure} (${target.name}: ${why})`;
  }
  const serverCpuPercent = cpu0 !== null && cpu1 !== null && t1 > t0 ? (100 * (cpu1 - cpu0)) / (t1 - t0) : null;
  const serverWork = work0 !== null && work1 !== null ? workBetween(await work0, await work1) : null;
  const machine = machineCpuBetween(machine0, machine1, t1 - t0);
  const record = { ...toRecord(target, w, o, outcome, failure, serverCpuPercent, serverWork), machineCpuPercent: machine?.busyPercent ?? null, stealPercent: machine?.stealPercent ?? null, settle };
  bar.stop(
    record.failure
      ? `FAILED: ${record.failure}`
      : `${fmtOps(record.opsPerSec)} ops/s, p50 ${fmtMs(record.latency.p50Ms)} ms, p99 ${fmtMs(record.latency.p99Ms)} ms, ${record.errorCount} errors`,
  );
  return record;
}

function toRecord(
  target: Target,
  w: WorkloadDef,
  o: BenchOptions,
  out: LoadOutcome | null,
  failure: string | null,
  serverCpuPercent: number | null,
  serverWork: ServerWork | null = null,
): RunRecord {
  const h = out?.histogram ?? newHistogram();
  const errors = out?.errors ?? {};
  return {
    target: target.name,
    targetKind: target.kind,
    workload: w.name,
    class: w.class,
    description: w.describe({ payloadBytes: o.payloadBytes, wideChildren: o.wideChildren, fanoutWatchers: o.fanoutWatchers }),
    ops: out?.ops ?? 0,
    reads: out?.reads ?? 0,
    writes: out?.writes ?? 0,
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    windowMs: out?.windowMs ?? 0,
    opsPerSec: out?.opsPerSec ?? 0,
    latency: summarize(h),
    spectrum: percentileSpectrum(h),
    histogram: encodeHistogram(h),
    generator: out?.generator ?? { cpuPercent: 0, maxElu: 0, workers: 0 },
    serverCpuPercent,
    serverRssMb: target.rssMb ? target.rssMb() : target.pid !== null ? processRssMb(target.pid) : null,
    serverWork,
    notificationLatency: out?.notificationHistogram ? summarize(out.notificationHistogram) : undefined,
    failure: failure ?? (out && out.ops === 0 ? 'no operation completed in the window' : null),
  };
}

/** A record for a workload that never ran because its target could not start. */
export function failedRecord(o: BenchOptions, kind: Target['kind'], name: string, workload: WorkloadName, why: string): RunRecord {
  const fake: Target = { kind, name, host: '', port: 0, pid: null, dataDir: null, settings: {}, stop: async () => ({ cpuProfile: null }) };
  return toRecord(fake, workloadDef(workload), o, null, why, null);
}

/** Snapshot files in a dataDir (ZooKeeper's version-2/snapshot.<zxid>). */
export function countSnapshots(dataDir: string | null): number | null {
  if (!dataDir || !existsSync(dataDir)) return null;
  let n = 0;
  const walk = (dir: string, depth: number): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (f.startsWith('snapshot.')) n++;
      else if (depth < 2 && statSync(p).isDirectory()) walk(p, depth + 1);
    }
  };
  walk(dataDir, 0);
  return n;
}

/** A started target as the suites keep it: failure says why it cannot be measured. */
export interface MeasuredSide {
  readonly kind: Target['kind'];
  readonly name: string;
  readonly target: Target | null;
  readonly failure: string | null;
}

/**
 * One workload on every side, o.rounds times, the sides taking turns (A B A B …) so that
 * a machine's drift hits both alike; each side's rounds pooled into one record.
 * `beforeRound` runs before each round's first side (the suites even the trees there).
 */
export async function measureWorkloadRounds(
  o: BenchOptions,
  sides: readonly MeasuredSide[],
  w: WorkloadName,
  progress: ProgressFactory,
  beforeRound: (round: number) => Promise<void> = async () => undefined,
): Promise<RunRecord[]> {
  const rounds = sides.map((): RunRecord[] => []);
  for (let round = 0; round < o.rounds; round++) {
    await beforeRound(round);
    for (const [i, side] of sides.entries()) {
      rounds[i].push(side.target && !side.failure ? await measureWorkload(o, side.target, w, progress) : failedRecord(o, side.kind, side.name, w, side.failure ?? 'not started'));
    }
  }
  return rounds.map((parts) => mergeRounds(parts));
}
