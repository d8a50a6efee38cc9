import { LoadSession } from './load-session';
import type { DriverHooks } from './pipelined-driver';
import { WindowMeter } from './window-meter';
import type { WorkerResult, WorkerRun } from './worker-protocol';

/**
 * Session churn: each of `slots` loops opens a TCP connection, performs the session
 * handshake, sends closeSession and waits for its answer, then starts over. One op is the
 * whole connect-to-closed cycle; its latency is that cycle's wall time.
 */
export function runChurn(
  host: string,
  port: number,
  slots: number,
  sessionTimeoutMs: number,
  run: WorkerRun,
  hooks: DriverHooks,
  progressEveryMs: number,
): Promise<WorkerResult> {
  const meter = new WindowMeter();
  const quota = run.ops;
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  let issuedMeasured = 0;
  let consecutiveFailures = 0;
  let failure: string | null = null;
  const started = performance.now();

  const canIssue = (): boolean => phase === 'warmup' || (phase === 'measure' && (quota === null || issuedMeasured < quota));

  const endWindow = (): void => {
    if (phase === 'done') return;
    phase = 'done';
    if (meter.started) {
      meter.end();
      hooks.window('end');
    }
  };
  const startWindow = (): void => {
    if (phase !== 'warmup') return;
    phase = 'measure';
    meter.start();
    hooks.window('start');
    if (run.durationMs !== null) setTimeout(endWindow, run.durationMs);
    if (quota === 0) endWindow();
  };

  const loop = async (): Promise<void> => {
    while (canIssue()) {
      const measured = phase === 'measure';
      if (measured) issuedMeasured++;
      const t0 = performance.now();
      try {
        const s = await LoadSession.connect(host, port, { sessionTimeoutMs });
        await s.close();
        consecutiveFailures = 0;
        if (measured && !meter.ended) meter.ok(performance.now() - t0, 1);
      } catch (e) {
        if (measured && !meter.ended) meter.error('connect');
        if (++consecutiveFailures >= 100) {
          failure = `100 session opens failed in a row: ${(e as Error).message}`;
          endWindow();
        }
      }
      if (quota !== null && measured && meter.ops + (meter.errors.connect ?? 0) >= quota) endWindow();
    }
  };

  const ticker = setInterval(() => {
    if (phase === 'warmup') hooks.progress('warmup', 0, performance.now() - started);
    else if (phase === 'measure') hooks.progress('measure', meter.ops, meter.elapsedMs);
  }, progressEveryMs);

  if (run.warmupMs > 0) setTimeout(startWindow, run.warmupMs);
  else startWindow();
  return Promise.all(Array.from({ length: slots }, loop)).then(() => {
    clearInterval(ticker);
    return meter.result(failure);
  });
}
