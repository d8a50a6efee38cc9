import { runFanoutRounds } from './fanout-rounds';
import { decodeHistogram, mergeHistograms, newHistogram, type Histogram } from './latency-histogram';
import type { RequestParams } from './requests';
import { WorkerHandle } from './worker-handle';
import type { WorkerResult } from './worker-protocol';
import type { WorkloadDef } from './workloads';

/**
 * Runs one workload against one address with the generator spread over worker
 * processes, and merges what they measured. Sessions are split across workers as evenly
 * as possible; the parent only coordinates (and, for fan-out, paces the rounds).
 */
export interface LoadPlan {
  host: string;
  port: number;
  /** An ensemble's members: pipelined sessions are spread over them, round robin. */
  servers?: Array<{ host: string; port: number }>;
  workload: WorkloadDef;
  workers: number;
  /** Total sessions (pipelined), churn slots, or fan-out watchers — over all workers. */
  sessions: number;
  outstanding: number;
  request: RequestParams;
  sessionTimeoutMs: number;
  warmupMs: number;
  durationMs: number | null;
  ops: number | null;
  /** Node flags of each generator process (--profile-generator's --cpu-prof); none by default. */
  generatorExecArgv?: readonly string[];
}

export interface LoadObserver {
  progress(phase: 'warmup' | 'measure', done: number, elapsedMs: number): void;
  window(edge: 'start' | 'end'): void;
}

export interface GeneratorCost {
  /** CPU time of all workers over the window, as % of one core. */
  cpuPercent: number;
  /** The busiest worker's event-loop utilization (0–1): near 1, the generator was the bottleneck. */
  maxElu: number;
  workers: number;
}

export interface LoadOutcome {
  ops: number;
  reads: number;
  writes: number;
  errors: Record<string, number>;
  windowMs: number;
  opsPerSec: number;
  histogram: Histogram;
  generator: GeneratorCost;
  /** Fan-out only: the latency of each single notification, not just the last per round. */
  notificationHistogram?: Histogram;
  failure: string | null;
}

export function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export async function runLoad(plan: LoadPlan, observer: LoadObserver): Promise<LoadOutcome> {
  const workers = Math.max(1, Math.min(plan.workers, plan.sessions));
  const shares = splitEvenly(plan.sessions, workers);
  const handles = shares.map((_, i) => WorkerHandle.fork(i, plan.generatorExecArgv ?? []));
  try {
    handles.forEach((h, i) => {
      h.post({
        type: 'init',
        index: i,
        host: plan.host,
        port: plan.port,
        servers: plan.servers,
        firstSession: shares.slice(0, i).reduce((a, b) => a + b, 0),
        workload: plan.workload.name,
        driver: plan.workload.driver,
        sessions: shares[i],
        outstanding: plan.outstanding,
        request: plan.request,
        sessionTimeoutMs: plan.sessionTimeoutMs,
        fanoutWriter: i === 0,
        progressEveryMs: 200,
      });
    });
    await Promise.all(handles.map((h) => h.next('ready', 120_000)));
    if (plan.workload.driver === 'fanout') {
      return await runFanoutRounds(plan, handles, observer);
    }
    return await runWorkers(plan, handles, shares, observer);
  } finally {
    for (const h of handles) h.post({ type: 'close' });
    await Promise.race([Promise.all(handles.map((h) => h.exited)), new Promise((r) => setTimeout(r, 10_000).unref())]);
    for (const h of handles) h.kill();
  }
}

async function runWorkers(plan: LoadPlan, handles: WorkerHandle[], shares: number[], observer: LoadObserver): Promise<LoadOutcome> {
  const done = handles.map(() => 0);
  handles.forEach((h, i) => {
    h.onProgress = (m) => {
      done[i] = m.done;
      if (i === 0) observer.progress(m.phase, done.reduce((a, b) => a + b, 0), m.elapsedMs);
    };
  });
  handles[0].onWindow = (m) => observer.window(m.edge);
  const opsShares = plan.ops === null ? null : splitEvenly(plan.ops, handles.length);
  handles.forEach((h, i) => h.post({ type: 'run', warmupMs: plan.warmupMs, durationMs: plan.durationMs, ops: opsShares ? opsShares[i] : null }));
  const results = (await Promise.all(handles.map((h) => h.next('result')))).map((m) => m.result);
  return combine(results, results.map((r) => decodeHistogram(r.histogram)));
}

/** Sums the workers' counts; the window is the longest worker window (conservative). */
export function combine(results: WorkerResult[], histograms: Histogram[]): LoadOutcome {
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const windowMs = Math.max(0, ...results.map((r) => r.windowMs));
  const ops = results.reduce((a, r) => a + r.ops, 0);
  const cpuMs = results.reduce((a, r) => a + r.cpuUserMs + r.cpuSystemMs, 0);
  return {
    ops,
    reads: results.reduce((a, r) => a + r.reads, 0),
    writes: results.reduce((a, r) => a + r.writes, 0),
    errors,
    windowMs,
    opsPerSec: windowMs > 0 ? (ops * 1000) / windowMs : 0,
    histogram: histograms.length > 0 ? mergeHistograms(histograms) : newHistogram(),
    generator: {
      cpuPercent: windowMs > 0 ? (100 * cpuMs) / windowMs : 0,
      maxElu: Math.max(0, ...results.map((r) => r.elu)),
      workers: results.length,
    },
    failure: results.map((r) => r.failure).find((f) => f) ?? null,
  };
}
