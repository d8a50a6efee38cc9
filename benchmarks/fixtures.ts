import { Code, OpCode } from '../lib/protocol';
import { LoadSession } from './load-session';
import { createBody, payload } from './requests';
import { BENCH_ROOT, FANOUT_NODE, type Fixture, keyPath, KV_PARENT, SEQ_PARENT, WIDE_PARENT, wideChildPath } from './workloads';

/**
 * Creates the data a workload needs on a target, once per target: the keyspace (N nodes
 * holding the payload), a wide node's children, the parent of sequential creates, the
 * fan-out node. Nodes that already exist are fine (an external target may keep them).
 */
export interface FixtureParams {
  keys: number;
  wideChildren: number;
  payloadBytes: number;
}

const WINDOW = 256;

export async function createFixtures(host: string, port: number, needs: Iterable<Fixture>, p: FixtureParams): Promise<void> {
  const wanted = new Set(needs);
  if (wanted.size === 0) return;
  const s = await LoadSession.connect(host, port, { sessionTimeoutMs: 30000 });
  try {
    const data = payload(p.payloadBytes);
    await createAll(s, [BENCH_ROOT], Buffer.alloc(0));
    if (wanted.has('keys')) {
      await createAll(s, [KV_PARENT], Buffer.alloc(0));
      await createAll(s, Array.from({ length: p.keys }, (_, i) => keyPath(i)), data);
    }
    if (wanted.has('wide')) {
      await createAll(s, [WIDE_PARENT], Buffer.alloc(0));
      await createAll(s, Array.from({ length: p.wideChildren }, (_, i) => wideChildPath(i)), Buffer.alloc(0));
    }
    if (wanted.has('seq')) await createAll(s, [SEQ_PARENT], Buffer.alloc(0));
    if (wanted.has('fanout')) await createAll(s, [FANOUT_NODE], data);
  } finally {
    await s.close();
  }
}

/** Pipelined creates, at most WINDOW in flight; NodeExists counts as done. */
function createAll(s: LoadSession, paths: string[], data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let answered = 0;
    let failed = false;
    const watchdog = setInterval(() => {
      if (!s.failure || failed) return;
      failed = true;
      clearInterval(watchdog);
      reject(new Error(`creating the benchmark's data: ${s.failure.message}`));
    }, 100);
    const sendNext = (): void => {
      if (next < paths.length) s.send(OpCode.create, createBody(paths[next++], data));
    };
    s.onReply = (err) => {
      if (failed) return;
      if (err !== Code.OK && err !== Code.NODEEXISTS) {
        failed = true;
        clearInterval(watchdog);
        reject(new Error(`creating the benchmark's data failed with code ${err}`));
        return;
      }
      if (++answered === paths.length) {
        clearInterval(watchdog);
        resolve();
      } else sendNext();
    };
    if (paths.length === 0) {
      clearInterval(watchdog);
      return resolve();
    }
    s.cork();
    for (let i = 0; i < WINDOW; i++) sendNext();
    s.uncork();
  });
}
