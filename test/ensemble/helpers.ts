import { ZooKeeper } from '../../lib/client';
import { SeededRandom } from '../../lib/core/random';
import type { QuorumPeer } from '../../lib/quorum/quorum-peer';
import { ServerState } from '../../lib/quorum/vote';
import { startInProcessEnsemble, type StartEnsembleOptions, type StartedEnsemble } from '../../plugins/ensemble';
import type { SimulationClock } from '../../plugins/transport-memory';

/** A simulated ensemble: memory network and storage on a virtual clock. */
export interface Sim extends StartedEnsemble {
  readonly sim: SimulationClock;
  /** Runs virtual time until `cond` holds (or `maxMs` pass); throws with `what` if it never does. */
  until(cond: () => boolean, maxMs: number, what?: string): Promise<void>;
  /** Runs virtual time until the promise settles; its value. */
  await<T>(p: Promise<T>, maxMs?: number): Promise<T>;
  /** A zoolab client on the simulated client network, connected to `ids` (default: all). */
  client(ids?: number[], sessionTimeout?: number): Promise<ZooKeeper>;
  leader(): QuorumPeer;
  serving(): Promise<QuorumPeer>;
}

export const FAST = { tickTime: 200, initLimit: 10, syncLimit: 5 };

export async function startSim(opts: StartEnsembleOptions): Promise<Sim> {
  const started = await startInProcessEnsemble({ transport: 'memory', ...opts, config: { ...FAST, ...opts.config } });
  const sim = started.clock as SimulationClock;
  const clients: ZooKeeper[] = [];
  let clientSeed = (opts.seed ?? 1) * 1000;
  const s: Sim = {
    ...started,
    sim,
    async until(cond, maxMs, what = 'condition') {
      const ok = await sim.runUntilTrue(cond, maxMs);
      if (!ok) throw new Error(`${what} did not hold within ${maxMs} virtual ms (at ${sim.now()}): ${describe(started)}`);
    },
    async await<T>(p: Promise<T>, maxMs = 60_000): Promise<T> {
      let done = false;
      let value: T | undefined;
      let error: unknown;
      p.then(
        (v) => {
          done = true;
          value = v;
        },
        (e) => {
          done = true;
          error = e;
        },
      );
      await s.until(() => done, maxMs, 'promise');
      if (error !== undefined) throw error;
      return value as T;
    },
    async client(ids, sessionTimeout = 4000) {
      const nodes = ids ?? [...started.ensemble.nodes.keys()];
      const cs = nodes.map((id) => started.ensemble.nodes.get(id)!.clientAddress).map((a) => `${a.host}:${a.port}`).join(',');
      const zk = new ZooKeeper(cs, {
        clock: sim,
        socketFactory: started.clients!,
        random: new SeededRandom(clientSeed++),
        sessionTimeout,
        reconnectDelayMs: 50,
      });
      clients.push(zk);
      await s.await(zk.waitForConnected(30_000));
      return zk;
    },
    leader() {
      const l = started.ensemble.leaders();
      if (l.length !== 1) throw new Error(`expected one leader, found ${l.length}: ${describe(started)}`);
      return l[0];
    },
    async serving() {
      await s.until(() => started.ensemble.isServing(), 60_000, 'an ensemble serving');
      return s.leader();
    },
    async close() {
      for (const c of clients) void c.close().catch(() => undefined);
      await sim.runFor(100);
      const closing = started.close();
      await s.await(closing, 120_000).catch(() => undefined);
    },
  };
  return s;
}

export function describe(s: StartedEnsemble): string {
  return [...s.ensemble.nodes.values()]
    .map((n) => `${n.id}:${ServerState[n.peer.peerState]}/${n.peer.zabState}${n.peer.leaderId !== null ? `→${n.peer.leaderId}` : ''}@0x${n.peer.lastLoggedZxid.toString(16)}`)
    .join(' ');
}
