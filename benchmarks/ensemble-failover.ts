import { performance } from 'node:perf_hooks';
import { Deadline, firstLeader, sleep } from './ensemble-probes';
import type { TimingSample } from './ensemble-timings';
import { FailoverLoad } from './failover-load';
import type { ProcessEnsemble } from './targets/ensemble-target';

/**
 * Failover: with a steady setData load running through the followers, SIGKILL the leader
 * and time, from the signal, until a survivor's `srvr` shows Mode: leader, until a write
 * sent after the kill succeeds, and until every load session has a session again. Then
 * the killed member is started again and the ensemble must settle (one leader, the rest
 * following) before the next repeat.
 */
export interface FailoverParams {
  /** Load sessions (spread over the followers) and requests in flight on each. */
  sessions: number;
  outstanding: number;
  payloadBytes: number;
  /** Load before the kill, to see writes flowing. */
  steadyMs: number;
  /** Give up on a repeat this long after the kill. */
  timeoutMs: number;
  /** How long the ensemble may take to settle before the kill and after the restart. */
  settleTimeoutMs: number;
}

export const DEFAULT_FAILOVER_PARAMS: FailoverParams = {
  sessions: 4,
  outstanding: 2,
  payloadBytes: 1024,
  steadyMs: 1000,
  timeoutMs: 30_000,
  settleTimeoutMs: 60_000,
};

export async function measureFailover(e: ProcessEnsemble, side: TimingSample['side'], repeat: number, p: FailoverParams): Promise<TimingSample> {
  const sample: TimingSample = {
    side,
    repeat,
    values: { 'failover-leader': null, 'failover-write': null, 'failover-reconnect': null },
    failure: null,
    detail: '',
  };
  let killed: number | null = null;
  let load: FailoverLoad | null = null;
  try {
    const leader = await e.waitSettled(p.settleTimeoutMs);
    const survivors = e.runningIds().filter((id) => id !== leader);
    const address = (id: number) => ({ host: e.host, port: e.ports.get(id)!.client });
    load = new FailoverLoad(() => e.runningIds().map(address), survivors.map(address), p.sessions, p.outstanding, p.payloadBytes);
    await load.start();
    await sleep(p.steadyMs);
    if (load.okCount === 0) throw new Error('no write succeeded in the steady load before the kill');
    const before = load.okCount;

    const tKill = performance.now();
    load.mark(tKill);
    killed = leader;
    await e.kill(leader, 'SIGKILL');
    const d = new Deadline(tKill + p.timeoutMs);
    const l = load;
    const [next, wrote] = await Promise.all([firstLeader(e, survivors, d), l.until(() => l.firstOkAfterMark !== null, d)]);
    // Sessions may still be coming back; give them until the deadline too.
    await l.until(() => l.allConnectedAt !== null || l.connected === p.sessions, d);
    d.stopped = true;
    if (next) sample.values['failover-leader'] = next.at - tKill;
    if (wrote) sample.values['failover-write'] = l.firstOkAfterMark! - tKill;
    sample.values['failover-reconnect'] = l.allConnectedAt !== null ? l.allConnectedAt - tKill : l.connected === p.sessions ? 0 : null;
    const errs = Object.entries(l.errors).map(([k, v]) => `${k === 'connect' ? 'failed connects' : `code ${k}`} ×${v}`);
    sample.detail = [
      `killed server.${leader}`,
      next ? `server.${next.id} led next` : 'no new leader seen',
      `${before} writes before the kill`,
      `${l.reconnects} reconnects`,
      errs.length ? errs.join(', ') : 'no error replies',
    ].join('; ');
    const missing = [!next && 'no survivor reported Mode: leader', !wrote && 'writes did not resume'].filter(Boolean);
    if (missing.length) sample.failure = `${missing.join(', ')} within ${p.timeoutMs} ms of the kill`;
  } catch (err) {
    sample.failure = (err as Error).message.split('\n')[0];
  } finally {
    load?.stop();
  }
  if (killed !== null) {
    try {
      e.start(killed);
      await e.waitSettled(p.settleTimeoutMs);
    } catch (err) {
      const why = `server.${killed} did not rejoin after its restart: ${(err as Error).message.split('\n')[0]}`;
      sample.failure = sample.failure ? `${sample.failure}; ${why}` : why;
    }
  }
  return sample;
}
