import { Deadline, firstLeader, firstWrite } from './ensemble-probes';
import type { TimingSample } from './ensemble-timings';
import type { ProcessEnsemble } from './targets/ensemble-target';

/**
 * Election time from a cold start: every member of a fresh ensemble (empty dataDirs, new
 * ports) spawned back to back, then the time from the first spawn until `srvr` shows a
 * leader somewhere, and until a create first succeeds through any member. Process start
 * (the JVM's, Node's) is inside both times, as an operator starting an ensemble sees it;
 * no JIT warm-up applies to a cold start.
 */
export async function measureColdStart(
  make: () => Promise<ProcessEnsemble>,
  side: TimingSample['side'],
  repeat: number,
  timeoutMs: number,
): Promise<TimingSample> {
  const sample: TimingSample = { side, repeat, values: { 'election-leader': null, 'election-write': null }, failure: null, detail: '' };
  let e: ProcessEnsemble | null = null;
  try {
    e = await make();
    const t0 = e.startAll();
    const d = new Deadline(t0 + timeoutMs);
    const [leader, write] = await Promise.all([firstLeader(e, e.ids, d), firstWrite(e, d, `election-${repeat}`)]);
    d.stopped = true;
    if (leader) sample.values['election-leader'] = leader.at - t0;
    if (write) sample.values['election-write'] = write.at - t0;
    const dead = e.ids.filter((id) => e!.exitOf(id));
    const missing = [!leader && 'no leader in srvr', !write && 'no create succeeded'].filter(Boolean);
    if (missing.length > 0) {
      sample.failure = `${missing.join(', ')} within ${timeoutMs} ms` + (dead.length ? `; ${e.exitOf(dead[0])}: ${e.logTail(dead[0], 5)}` : '');
    }
    sample.detail = [leader && `server.${leader.id} led`, write && `first write through server.${write.id}`].filter(Boolean).join(', ');
  } catch (err) {
    sample.failure = (err as Error).message.split('\n')[0];
  } finally {
    await e?.close();
  }
  return sample;
}
