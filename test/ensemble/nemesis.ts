import type { ZooKeeper } from '../../lib/client';
import { SeededRandom } from '../../lib/core/random';
import { HistoryChecker, treesAgree } from './history-checker';
import { startSim, type Sim } from './helpers';

export interface ChaosOptions {
  seed: number;
  nodes: number;
  /** How many of the servers (the highest ids) are observers. */
  observers?: number;
  /** Virtual ms of chaos. */
  durationMs: number;
  clients?: number;
  /** Chance an election message is lost (default 0.1). */
  drop?: number;
}

export interface ChaosResult {
  violations: string[];
  /** Writes a client was told succeeded, and whether each is in the final tree. */
  acknowledged: number;
  lost: string[];
  leadersByEpoch: Map<bigint, Set<number>>;
  trace: string[];
  agree: { ok: boolean; detail: string };
  faults: string[];
}

/**
 * A seeded run with faults: lossy, duplicating, reordering election messages and slow
 * links; every few seconds the nemesis partitions the servers, isolates the leader, stops
 * or restarts a server, or heals. Clients keep writing. At the end everything heals and
 * the histories are checked.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const specs = Array.from({ length: o.nodes }, (_, i) => ({
    id: i + 1,
    type: i >= o.nodes - (o.observers ?? 0) ? ('observer' as const) : ('participant' as const),
  }));
  const sim: Sim = await startSim({
    nodes: specs,
    seed: o.seed,
    faults: { drop: o.drop ?? 0.1, duplicate: 0.05, reorder: true, latency: [1, 15] },
  });
  const rnd = new SeededRandom(o.seed).fork('nemesis');
  const checker = new HistoryChecker();
  checker.watch(sim.ensemble);
  const faults: string[] = [];
  const acked = new Set<string>();
  const ids = [...sim.ensemble.ids];
  const down = new Set<number>();
  try {
    await sim.serving();
    const clients: ZooKeeper[] = [];
    for (let i = 0; i < (o.clients ?? 2); i++) clients.push(await sim.client(undefined, 6000));
    let seq = 0;
    let stopWriting = false;
    const writers = clients.map(async (zk, c) => {
      while (!stopWriting) {
        const path = `/w-${c}-${seq++}`;
        try {
          await zk.create(path, 'x');
          acked.add(path);
        } catch {
          await new Promise<void>((r) => sim.sim.schedule(() => r(), 100));
        }
      }
    });
    const end = sim.sim.now() + o.durationMs;
    while (sim.sim.now() < end) {
      await sim.sim.runFor(1500 + rnd.int(3000));
      const leader = sim.ensemble.leaders()[0];
      const action = rnd.int(5);
      if (action === 0) {
        const shuffled = [...ids].sort(() => rnd.next() - 0.5);
        const cut = 1 + rnd.int(ids.length - 1);
        sim.network!.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
        faults.push(`${sim.sim.now()} partition ${shuffled.slice(0, cut)} | ${shuffled.slice(cut)}`);
      } else if (action === 1 && leader) {
        sim.network!.isolate(leader.myId);
        faults.push(`${sim.sim.now()} isolate leader ${leader.myId}`);
      } else if (action === 2 && down.size === 0) {
        const victim = ids[rnd.int(ids.length)];
        down.add(victim);
        faults.push(`${sim.sim.now()} stop ${victim}`);
        await sim.await(sim.ensemble.stopNode(victim));
      } else if (action === 3 && down.size > 0) {
        const back = [...down][0];
        down.delete(back);
        faults.push(`${sim.sim.now()} restart ${back}`);
        await sim.await(sim.ensemble.startNode(back));
        checker.watch(sim.ensemble);
      } else {
        sim.network!.heal();
        faults.push(`${sim.sim.now()} heal`);
      }
    }
    sim.network!.heal();
    sim.network!.faults = { drop: 0, duplicate: 0, reorder: false, latency: [1, 5] };
    for (const id of down) {
      await sim.await(sim.ensemble.startNode(id));
      checker.watch(sim.ensemble);
    }
    stopWriting = true;
    await sim.serving();
    await sim.await(Promise.all(writers), 120_000);
    const last = await sim.client();
    await sim.await(last.create('/final', 'x'));
    await sim.until(() => treesAgree(sim.ensemble).ok, 30_000, 'trees agree').catch((e: Error) => {
      throw new Error(`${e.message}\n${treesAgree(sim.ensemble).detail}\n${treeDiff(sim)}\nfaults:\n${faults.join('\n')}`);
    });
    const leaderTree = sim.leader().zkDb.dataTree;
    const lost = [...acked].filter((p) => leaderTree.getNode(p) === undefined);
    return {
      violations: checker.violations,
      acknowledged: acked.size,
      lost,
      leadersByEpoch: checker.leadersByEpoch,
      trace: checker.trace,
      agree: treesAgree(sim.ensemble),
      faults,
    };
  } finally {
    checker.stop();
    await sim.close();
  }
}

/** Paths whose presence or data differ between the running servers (for failure messages). */
function treeDiff(sim: Sim): string {
  const nodes = [...sim.ensemble.nodes.values()];
  const maps = nodes.map((n) => {
    const m = new Map<string, string>();
    for (const [path, node] of n.peer.zkDb.dataTree.nodesInTreeOrder()) {
      m.set(path, `${node.data?.toString() ?? ''}|v${node.stat.version}|c${node.stat.cversion}|e${node.stat.ephemeralOwner.toString(16)}|m${node.stat.mzxid.toString(16)}|p${node.stat.pzxid.toString(16)}`);
    }
    return m;
  });
  const all = new Set(maps.flatMap((m) => [...m.keys()]));
  const out: string[] = [];
  for (const p of all) {
    const vals = maps.map((m) => m.get(p) ?? '-');
    if (new Set(vals).size > 1) out.push(`${p}: ${nodes.map((n, i) => `${n.id}=${vals[i]}`).join(' ')}`);
  }
  return out.slice(0, 20).join('\n');
}
