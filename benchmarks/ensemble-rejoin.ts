import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Code, OpCode } from '../lib/protocol';
import { Deadline, POLL_MS, requestOnce, sleep } from './ensemble-probes';
import type { FailoverParams } from './ensemble-failover';
import { FAILOVER_NODE } from './failover-load';
import { LoadSession } from './load-session';
import { createBody, payload, setDataBody } from './requests';
import type { TimingSample } from './ensemble-timings';
import type { ProcessEnsemble } from './targets/ensemble-target';
import { fourLetterWord } from './targets/process-util';

/** The leader's snap_count and diff_count (ServerMetrics), or null if mntr did not answer. */
async function syncCounts(e: ProcessEnsemble, id: number): Promise<{ snap: number; diff: number } | null> {
  try {
    const mntr = await fourLetterWord(e.host, e.ports.get(id)!.client, 'mntr');
    const get = (k: string): number => Number(new RegExp(`^zk_${k}\\t(\\d+)$`, 'm').exec(mntr)?.[1] ?? NaN);
    const snap = get('snap_count');
    const diff = get('diff_count');
    return Number.isNaN(snap) || Number.isNaN(diff) ? null : { snap, diff };
  } catch {
    return null;
  }
}

/**
 * Rejoin: a follower comes back without its data (SIGKILL, its version-2 directory
 * deleted, started again), so the leader must send it the whole tree. Timed from the
 * spawn until its `srvr` shows Mode: follower. Meanwhile one session on the leader keeps
 * one setData in flight, and its slowest reply from the spawn on is what the sync cost
 * the leader's own clients. Which sync the follower got (a SNAP, or a DIFF from the txn
 * log) is read from the leader's `mntr`: snap_count and diff_count, on both servers.
 */
export async function measureRejoin(e: ProcessEnsemble, side: TimingSample['side'], repeat: number, p: FailoverParams): Promise<TimingSample> {
  const sample: TimingSample = { side, repeat, values: { 'rejoin-sync': null, 'rejoin-slowest-write': null }, failure: null, detail: '' };
  let session: LoadSession | null = null;
  let stopped = false;
  let wiped: number | null = null;
  try {
    const leader = await e.waitSettled(p.settleTimeoutMs);
    const follower = e.runningIds().find((id) => id !== leader);
    if (follower === undefined) throw new Error('no follower to wipe');
    session = await LoadSession.connect(e.host, e.ports.get(leader)!.client, { sessionTimeoutMs: 30_000 });
    const err = await requestOnce(session, OpCode.create, createBody(FAILOVER_NODE, payload(16)), 10_000);
    if (err !== Code.OK && err !== Code.NODEEXISTS) throw new Error(`creating ${FAILOVER_NODE} failed with code ${err}`);
    const body = setDataBody(FAILOVER_NODE, payload(p.payloadBytes));
    let from = Infinity;
    let slowest = 0;
    let writes = 0;
    let errors = 0;
    const s = session;
    s.onReply = (code, latencyMs) => {
      if (stopped) return;
      if (performance.now() - latencyMs >= from) {
        slowest = Math.max(slowest, latencyMs);
        writes++;
        if (code !== Code.OK) errors++;
      }
      s.send(OpCode.setData, body);
    };
    s.onFailure = () => {
      if (!stopped) errors++;
    };
    s.send(OpCode.setData, body);

    const countsBefore = await syncCounts(e, leader);
    await e.kill(follower, 'SIGKILL');
    wiped = follower;
    rmSync(join(e.dataDir(follower), 'version-2'), { recursive: true, force: true });
    // Writes sent from the spawn on count.
    from = e.start(follower);
    const d = new Deadline(from + p.timeoutMs);
    let synced: number | null = null;
    while (synced === null && !d.over) {
      if ((await e.mode(follower, 500)) === 'follower') synced = performance.now();
      else await sleep(POLL_MS);
    }
    // The write in flight at that moment counts too: wait for its reply.
    const atSync = writes;
    const after = new Deadline(performance.now() + 10_000);
    while (writes === atSync && !after.over) await sleep(2);
    stopped = true;
    const countsAfter = await syncCounts(e, leader);
    const how =
      !countsBefore || !countsAfter
        ? 'not known (no snap_count and diff_count in mntr)'
        : countsAfter.snap > countsBefore.snap
          ? 'SNAP'
          : countsAfter.diff > countsBefore.diff
            ? 'DIFF'
            : 'not counted in the leader\'s mntr';
    if (synced !== null) sample.values['rejoin-sync'] = synced - from;
    sample.values['rejoin-slowest-write'] = writes > 0 ? slowest : null;
    sample.detail = [`wiped server.${follower}`, `sync: ${how}`, `${writes} writes to the leader meanwhile`, errors ? `${errors} failed` : 'none failed'].join('; ');
    if (synced === null) sample.failure = `server.${follower} was not following within ${p.timeoutMs} ms of its start`;
  } catch (err) {
    sample.failure = (err as Error).message.split('\n')[0];
  } finally {
    stopped = true;
    session?.destroy();
  }
  if (wiped !== null) {
    try {
      await e.waitSettled(p.settleTimeoutMs);
    } catch (err) {
      const why = `the ensemble did not settle after server.${wiped} rejoined: ${(err as Error).message.split('\n')[0]}`;
      sample.failure = sample.failure ? `${sample.failure}; ${why}` : why;
    }
  }
  return sample;
}
