import type { LoadSession } from './load-session';
import type { OpSource } from './requests';
import { WindowMeter } from './window-meter';
import type { WorkerResult, WorkerRun } from './worker-protocol';

/**
 * Keeps `outstanding` requests in flight on every session: each reply sends the next
 * request. A warm-up phase runs the same load unmeasured; then the window measures only
 * requests sent inside it that are answered inside it (so a warm-up backlog cannot leak
 * in, and a slow tail cannot stretch the window).
 */
export interface DriverHooks {
  progress(phase: 'warmup' | 'measure', done: number, elapsedMs: number): void;
  window(edge: 'start' | 'end'): void;
}

const MEASURED = 2;
const DRAIN_MS = 10000;

export function runPipelined(
  sessions: LoadSession[],
  sources: OpSource[],
  outstanding: number,
  run: WorkerRun,
  hooks: DriverHooks,
  progressEveryMs: number,
): Promise<WorkerResult> {
  const meter = new WindowMeter();
  const quota = run.ops;
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  let issuedMeasured = 0;
  let failure: string | null = null;
  let warmupStarted = performance.now();
  const timers: NodeJS.Timeout[] = [];

  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      for (const t of timers) clearTimeout(t);
      clearInterval(ticker);
      resolve(meter.result(failure));
    };
    const endWindow = (): void => {
      if (phase === 'done') return;
      phase = 'done';
      if (meter.started) {
        meter.end();
        hooks.window('end');
      }
      // Let what is in flight come back, so the next run starts on a quiet server.
      const deadline = performance.now() + DRAIN_MS;
      const waitDrained = (): void => {
        if (sessions.every((s) => s.inFlight === 0 || s.closed) || performance.now() > deadline) finish();
        else timers.push(setTimeout(waitDrained, 5));
      };
      waitDrained();
    };
    const startWindow = (): void => {
      if (phase !== 'warmup') return;
      phase = 'measure';
      meter.start();
      hooks.window('start');
      if (run.durationMs !== null) timers.push(setTimeout(endWindow, run.durationMs));
      if (quota === 0) endWindow();
    };
    const canIssue = (): boolean => phase === 'warmup' || (phase === 'measure' && (quota === null || issuedMeasured < quota));
    const sendOne = (i: number): void => {
      const op = sources[i].next();
      const measured = phase === 'measure';
      if (measured) issuedMeasured++;
      sessions[i].send(op.type, op.body, op.kind | (measured ? MEASURED : 0));
    };

    sessions.forEach((s, i) => {
      s.onReply = (err, latencyMs, tag) => {
        if (tag & MEASURED && !meter.ended) {
          if (err === 0) meter.ok(latencyMs, tag & 1);
          else meter.error(err);
          if (quota !== null && meter.ops + errorCount(meter) >= quota) {
            endWindow();
            return;
          }
        }
        if (canIssue()) sendOne(i);
      };
    });

    const ticker = setInterval(() => {
      const broken = sessions.find((s) => s.failure);
      if (broken && !failure) {
        failure = `a session failed: ${broken.failure!.message}`;
        endWindow();
      }
      if (phase === 'warmup') hooks.progress('warmup', 0, performance.now() - warmupStarted);
      else if (phase === 'measure') hooks.progress('measure', meter.ops, meter.elapsedMs);
    }, progressEveryMs);

    warmupStarted = performance.now();
    if (run.warmupMs > 0) timers.push(setTimeout(startWindow, run.warmupMs));
    else startWindow();
    sessions.forEach((s, i) => {
      s.cork();
      for (let k = 0; k < outstanding && canIssue(); k++) sendOne(i);
      s.uncork();
    });
  });
}

function errorCount(m: WindowMeter): number {
  let n = 0;
  for (const k in m.errors) n += m.errors[k];
  return n;
}
