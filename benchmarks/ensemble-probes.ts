import { performance } from 'node:perf_hooks';
import { Code, OpCode } from '../lib/protocol';
import { LoadSession } from './load-session';
import { createBody, payload } from './requests';
import type { ProcessEnsemble } from './targets/ensemble-target';

/**
 * The two probes election and failover times are made of: "when does `srvr` first show a
 * leader" and "when does a create first succeed", each polled on every member at once
 * every few milliseconds, so the first member to get there is seen within a poll period.
 */
export const POLL_MS = 10;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A shared "stop polling" flag with a deadline. */
export class Deadline {
  stopped = false;
  constructor(readonly at: number) {}
  get over(): boolean {
    return this.stopped || performance.now() >= this.at;
  }
}

/**
 * performance.now() when one of `ids` first answers `srvr` with Mode: leader (and which),
 * or null at the deadline. After a kill, `ids` are the survivors.
 */
export async function firstLeader(e: ProcessEnsemble, ids: number[], d: Deadline): Promise<{ at: number; id: number } | null> {
  let found: { at: number; id: number } | null = null;
  await Promise.all(
    ids.map(async (id) => {
      while (!found && !d.over) {
        const mode = await e.mode(id, 500);
        if (mode === 'leader' && !found) found = { at: performance.now(), id };
        else await sleep(POLL_MS);
      }
    }),
  );
  return found;
}

/** Sends one request on an open session; resolves with its error code, rejects if the session dies or times out. */
export function requestOnce(s: LoadSession, type: number, body: Buffer, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    s.onReply = (err) => {
      clearTimeout(timer);
      resolve(err);
    };
    s.onFailure = (e) => {
      clearTimeout(timer);
      reject(e);
    };
    s.send(type, body);
  });
}

/**
 * performance.now() when a create first succeeds through any of the members (each member
 * tried in its own loop: connect, create, retry), or null at the deadline. A fresh
 * session each try: a member that is not serving yet refuses or drops it.
 */
export async function firstWrite(e: ProcessEnsemble, d: Deadline, tag: string): Promise<{ at: number; id: number; tries: number } | null> {
  let found: { at: number; id: number; tries: number } | null = null;
  let tries = 0;
  const data = payload(16);
  await Promise.all(
    e.ids.map(async (id) => {
      const port = e.ports.get(id)!.client;
      while (!found && !d.over) {
        tries++;
        let s: LoadSession | null = null;
        try {
          s = await LoadSession.connect(e.host, port, { sessionTimeoutMs: 10_000, connectTimeoutMs: 2000 });
          const err = await requestOnce(s, OpCode.create, createBody(`/zoolab-bench-${tag}-${id}`, data), 5000);
          if ((err === Code.OK || err === Code.NODEEXISTS) && !found) found = { at: performance.now(), id, tries };
        } catch {
          /* not serving yet: try again */
        } finally {
          s?.destroy();
        }
        if (!found) await sleep(POLL_MS);
      }
    }),
  );
  return found;
}
