import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from './latency-histogram';
import type { WorkerResult } from './worker-protocol';

/**
 * What a worker counts during its measurement window: successful ops (and their
 * latencies), error replies by code, and its own cost — CPU time and event-loop
 * utilization — so the report can say how close the generator was to saturating.
 */
export class WindowMeter {
  readonly histogram: Histogram = newHistogram();
  ops = 0;
  reads = 0;
  writes = 0;
  readonly errors: Record<string, number> = {};
  private startedAt = 0;
  private endedAt = 0;
  private cpu: NodeJS.CpuUsage | null = null;
  private cpuSpent: NodeJS.CpuUsage = { user: 0, system: 0 };
  private elu: EventLoopUtilization | null = null;
  private eluSpent = 0;

  get started(): boolean {
    return this.startedAt > 0;
  }

  get ended(): boolean {
    return this.endedAt > 0;
  }

  get elapsedMs(): number {
    return this.startedAt === 0 ? 0 : (this.endedAt || performance.now()) - this.startedAt;
  }

  start(): void {
    this.startedAt = performance.now();
    this.cpu = process.cpuUsage();
    this.elu = performance.eventLoopUtilization();
  }

  end(): void {
    if (this.endedAt) return;
    this.endedAt = performance.now();
    if (this.cpu) this.cpuSpent = process.cpuUsage(this.cpu);
    if (this.elu) this.eluSpent = performance.eventLoopUtilization(this.elu).utilization;
  }

  ok(latencyMs: number, kind: number): void {
    recordMs(this.histogram, latencyMs);
    this.ops++;
    if (kind === 0) this.reads++;
    else this.writes++;
  }

  error(code: number | string): void {
    const k = String(code);
    this.errors[k] = (this.errors[k] ?? 0) + 1;
  }

  result(failure: string | null): WorkerResult {
    this.end();
    return {
      ops: this.ops,
      reads: this.reads,
      writes: this.writes,
      errors: this.errors,
      windowMs: this.elapsedMs,
      histogram: encodeHistogram(this.histogram),
      cpuUserMs: this.cpuSpent.user / 1000,
      cpuSystemMs: this.cpuSpent.system / 1000,
      elu: this.eluSpent,
      failure,
    };
  }
}
