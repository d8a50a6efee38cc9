import type { RequestParams } from './requests';
import type { WorkloadDriver, WorkloadName } from './workloads';

/** Messages between the suite (parent) and its load-generator worker processes (IPC). */

export interface WorkerInit {
  type: 'init';
  index: number;
  host: string;
  port: number;
  /** An ensemble's members: session k of this worker opens on servers[(firstSession + k) % n]. */
  servers?: Array<{ host: string; port: number }>;
  /** This worker's first session's index over all workers (spreads sessions over servers). */
  firstSession?: number;
  workload: WorkloadName;
  driver: WorkloadDriver;
  /** This worker's sessions: pipelined sessions, churn slots, or fan-out watchers. */
  sessions: number;
  outstanding: number;
  request: RequestParams;
  sessionTimeoutMs: number;
  /** Fan-out: this worker also owns the session that fires the watches. */
  fanoutWriter: boolean;
  progressEveryMs: number;
}

export interface WorkerRun {
  type: 'run';
  warmupMs: number;
  /** Measure for this long … */
  durationMs: number | null;
  /** … or until this worker has done this many operations. */
  ops: number | null;
}

/** Fan-out is paced by the parent: it arms the watches, fires, and brackets the window. */
export type ParentMessage =
  | WorkerInit
  | WorkerRun
  | { type: 'arm' }
  | { type: 'fire' }
  | { type: 'measure'; edge: 'start' | 'end' }
  | { type: 'close' };

export interface WorkerResult {
  ops: number;
  reads: number;
  writes: number;
  /** Error replies by code (or 'connect' for a failed session open). */
  errors: Record<string, number>;
  windowMs: number;
  /** hdr histogram of latencies (µs), compressed. */
  histogram: string;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Event-loop utilization over the window: 1 means the generator was saturated. */
  elu: number;
  /** Why the run stopped early, if it did. */
  failure: string | null;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; phase: 'warmup' | 'measure'; done: number; elapsedMs: number }
  | { type: 'window'; edge: 'start' | 'end' }
  | { type: 'result'; result: WorkerResult }
  | { type: 'armed' }
  | { type: 'fired'; t0: string }
  | { type: 'delivered'; times: string[] }
  | { type: 'error'; message: string };
