import { newHistogram, recordMs } from './latency-histogram';
import { combine, type LoadObserver, type LoadOutcome, type LoadPlan } from './load-runner';
import type { WorkerHandle } from './worker-handle';

const ROUND_TIMEOUT_MS = 30_000;

/**
 * Watch fan-out, paced from here: each round arms a data watch on every watcher session
 * (all workers), then worker 0's writer fires one setData. A round's latency is from the
 * setData leaving the writer until the last watcher has read its notification; every
 * single notification's latency is kept as well. Rounds are sequential, so "ops/s" is
 * rounds per second and mostly reflects the arming round trips.
 */
export async function runFanoutRounds(plan: LoadPlan, handles: WorkerHandle[], observer: LoadObserver): Promise<LoadOutcome> {
  const rounds = newHistogram();
  const notifications = newHistogram();
  let measured = 0;
  let failure: string | null = null;
  const started = performance.now();
  let windowStart = 0;

  const round = async (record: boolean): Promise<void> => {
    for (const h of handles) h.post({ type: 'arm' });
    await Promise.all(handles.map((h) => h.next('armed', ROUND_TIMEOUT_MS)));
    handles[0].post({ type: 'fire' });
    const [fired, ...delivered] = await Promise.all([
      handles[0].next('fired', ROUND_TIMEOUT_MS),
      ...handles.map((h) => h.next('delivered', ROUND_TIMEOUT_MS)),
    ]);
    const t0 = BigInt(fired.t0);
    let last = t0;
    for (const d of delivered) {
      for (const t of d.times) {
        const at = BigInt(t);
        if (at > last) last = at;
        if (record) recordMs(notifications, Number(at - t0) / 1e6);
      }
    }
    if (record) recordMs(rounds, Number(last - t0) / 1e6);
  };

  const ticker = setInterval(() => {
    if (windowStart === 0) observer.progress('warmup', 0, performance.now() - started);
    else observer.progress('measure', measured, performance.now() - windowStart);
  }, 200);
  try {
    while (performance.now() - started < plan.warmupMs) await round(false);
    for (const h of handles) h.post({ type: 'measure', edge: 'start' });
    windowStart = performance.now();
    observer.window('start');
    for (;;) {
      if (plan.ops !== null ? measured >= plan.ops : performance.now() - windowStart >= (plan.durationMs ?? 0)) break;
      await round(true);
      measured++;
    }
  } catch (e) {
    failure = (e as Error).message;
  } finally {
    clearInterval(ticker);
  }
  const windowMs = performance.now() - (windowStart || started);
  observer.window('end');
  for (const h of handles) h.post({ type: 'measure', edge: 'end' });
  for (const h of handles) h.post({ type: 'close' });
  const results = (await Promise.all(handles.map((h) => h.next('result', 15_000)))).map((m) => m.result);
  const outcome = combine(results, []);
  return {
    ...outcome,
    ops: measured,
    reads: 0,
    writes: measured,
    windowMs,
    opsPerSec: windowMs > 0 ? (measured * 1000) / windowMs : 0,
    histogram: rounds,
    notificationHistogram: notifications,
    generator: { ...outcome.generator, cpuPercent: windowMs > 0 ? (outcome.generator.cpuPercent * outcome.windowMs) / windowMs : 0 },
    failure: failure ?? outcome.failure,
  };
}
