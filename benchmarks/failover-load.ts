import { performance } from 'node:perf_hooks';
import { Code, OpCode } from '../lib/protocol';
import { POLL_MS, requestOnce, sleep, type Deadline } from './ensemble-probes';
import { LoadSession } from './load-session';
import { createBody, payload, setDataBody } from './requests';

/**
 * A steady write load that survives a failover: `slots` sessions, each keeping
 * `outstanding` setData requests in flight on one node. When a member drops a session
 * (a follower that loses its leader closes its clients) the slot reconnects at once,
 * trying the live members in turn every few ms, as a client with a short backoff would.
 * It remembers when a request sent after a mark (the kill) first succeeded, and when every
 * slot had a session again.
 */
export type Address = { host: string; port: number };

export const FAILOVER_NODE = '/zoolab-bench-failover';

export class FailoverLoad {
  okCount = 0;
  /** Error replies by code, and 'connect' for failed reconnect attempts, since the mark. */
  readonly errors: Record<string, number> = {};
  reconnects = 0;
  /** First success of a request sent at or after the mark. */
  firstOkAfterMark: number | null = null;
  /** When every slot had a session again after one was lost past the mark (or null). */
  allConnectedAt: number | null = null;
  private lostAfterMark = false;
  private markAt = Infinity;
  private stopped = false;
  private readonly live: Array<LoadSession | null>;
  private readonly body: Buffer;

  constructor(
    /** Members to reconnect to (evaluated at each try: the killed one is left out). */
    private readonly addresses: () => Address[],
    /** Where slot k first connects: preferred[k % n] (the followers). */
    private readonly preferred: Address[],
    private readonly slots: number,
    private readonly outstanding: number,
    payloadBytes: number,
  ) {
    this.live = Array.from({ length: slots }, () => null);
    this.body = setDataBody(FAILOVER_NODE, payload(payloadBytes));
  }

  /** Creates the node it writes, opens every slot's session and starts the load. */
  async start(): Promise<void> {
    const first = this.preferred[0];
    const s = await LoadSession.connect(first.host, first.port, { sessionTimeoutMs: 10_000 });
    try {
      const err = await requestOnce(s, OpCode.create, createBody(FAILOVER_NODE, payload(16)), 10_000);
      if (err !== Code.OK && err !== Code.NODEEXISTS) throw new Error(`creating ${FAILOVER_NODE} failed with code ${err}`);
    } finally {
      await s.close(2000);
    }
    await Promise.all(
      Array.from({ length: this.slots }, async (_, k) => {
        const a = this.preferred[k % this.preferred.length];
        this.attach(k, await LoadSession.connect(a.host, a.port, { sessionTimeoutMs: 10_000 }));
      }),
    );
  }

  /** From now on, successes and reconnects count toward the failover times. */
  mark(at: number): void {
    this.markAt = at;
    for (const k of Object.keys(this.errors)) delete this.errors[k];
  }

  private count(key: string): void {
    if (performance.now() >= this.markAt) this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  private attach(k: number, s: LoadSession): void {
    this.live[k] = s;
    if (this.lostAfterMark && this.allConnectedAt === null && this.live.every((x) => x !== null)) this.allConnectedAt = performance.now();
    s.onReply = (err, latencyMs) => {
      if (this.stopped) return;
      const now = performance.now();
      if (err === Code.OK) {
        this.okCount++;
        if (this.firstOkAfterMark === null && now - latencyMs >= this.markAt) this.firstOkAfterMark = now;
        s.send(OpCode.setData, this.body);
      } else {
        this.count(String(err));
        // An error reply (e.g. while the member has no leader) is not retried in a hot loop.
        setTimeout(() => !this.stopped && !s.closed && s.send(OpCode.setData, this.body), POLL_MS).unref();
      }
    };
    s.onFailure = () => {
      s.destroy();
      if (this.live[k] !== s) return;
      this.live[k] = null;
      if (this.stopped) return;
      if (performance.now() >= this.markAt) this.lostAfterMark = true;
      void this.reconnect(k);
    };
    s.cork();
    for (let i = 0; i < this.outstanding; i++) s.send(OpCode.setData, this.body);
    s.uncork();
  }

  private async reconnect(k: number): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const all = this.addresses();
      const a = all[(k + attempt) % all.length];
      try {
        const s = await LoadSession.connect(a.host, a.port, { sessionTimeoutMs: 10_000, connectTimeoutMs: 1000 });
        if (this.stopped) return s.destroy();
        this.reconnects++;
        this.attach(k, s);
        return;
      } catch {
        this.count('connect');
        await sleep(POLL_MS);
      }
    }
  }

  /** Waits (polling) until `done()` or the deadline; true if done. */
  async until(done: () => boolean, d: Deadline): Promise<boolean> {
    while (!done()) {
      if (d.over) return false;
      await sleep(2);
    }
    return true;
  }

  get connected(): number {
    return this.live.filter((s) => s !== null).length;
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.live) s?.destroy();
    this.live.fill(null);
  }
}
