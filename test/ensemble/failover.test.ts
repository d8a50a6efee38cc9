import { ServerState } from '../../lib/quorum/vote';
import { HistoryChecker, treesAgree } from './history-checker';
import { startSim, type Sim } from './helpers';

let sim: Sim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('leader and follower failures', () => {
  it('five servers elect one leader and serve', async () => {
    sim = await startSim({ nodes: 5, seed: 5 });
    const leader = await sim.serving();
    const states = [...sim.ensemble.nodes.values()].map((n) => n.peer.peerState);
    expect(states.filter((s) => s === ServerState.LEADING)).toEqual([ServerState.LEADING]);
    const zk = await sim.client();
    for (let i = 0; i < 20; i++) await sim.await(zk.create(`/n${i}`, `v${i}`));
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    expect(leader.stats.commits).toBeGreaterThanOrEqual(20);
  });

  it('when the leader dies a new one is elected and writes go on', async () => {
    sim = await startSim({ nodes: 3, seed: 2 });
    const checker = new HistoryChecker();
    checker.watch(sim.ensemble);
    const first = await sim.serving();
    const followers = [...sim.ensemble.nodes.keys()].filter((id) => id !== first.myId);
    const zk = await sim.client(followers);
    for (let i = 0; i < 10; i++) await sim.await(zk.create(`/before${i}`, 'x'));
    await sim.await(sim.ensemble.stopNode(first.myId));
    const second = await sim.serving();
    expect(second.myId).not.toBe(first.myId);
    for (let i = 0; i < 10; i++) await sim.await(zk.create(`/after${i}`, 'y'));
    expect((await sim.await(zk.getChildren('/'))).sort()).toEqual(
      [...Array.from({ length: 10 }, (_, i) => `before${i}`), ...Array.from({ length: 10 }, (_, i) => `after${i}`), 'zookeeper'].sort(),
    );
    expect(second.currentEpoch).toBeGreaterThan(first.currentEpoch);
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    expect(checker.violations).toEqual([]);
  });

  it('when a follower dies nothing stops', async () => {
    sim = await startSim({ nodes: 3, seed: 3 });
    const leader = await sim.serving();
    const victim = [...sim.ensemble.nodes.keys()].find((id) => id !== leader.myId)!;
    const zk = await sim.client([leader.myId]);
    await sim.await(zk.create('/a', '1'));
    await sim.await(sim.ensemble.stopNode(victim));
    for (let i = 0; i < 10; i++) await sim.await(zk.setData('/a', String(i)));
    expect(sim.ensemble.leaders()).toEqual([leader]);
    expect(leader.peerState).toBe(ServerState.LEADING);
    expect((await sim.await(zk.getData('/a'))).data?.toString()).toBe('9');
  });

  it('a follower that missed commits rejoins and catches up by DIFF', async () => {
    sim = await startSim({ nodes: 3, seed: 4 });
    const leader = await sim.serving();
    const victim = [...sim.ensemble.nodes.keys()].find((id) => id !== leader.myId)!;
    const zk = await sim.client([leader.myId]);
    await sim.await(zk.create('/a', '0'));
    await sim.await(sim.ensemble.stopNode(victim));
    for (let i = 1; i <= 25; i++) await sim.await(zk.setData('/a', String(i)));
    await sim.await(sim.ensemble.startNode(victim));
    await sim.serving();
    const rejoined = sim.ensemble.peer(victim);
    expect(rejoined.stats.lastSyncMode).toBe('DIFF');
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    const c = await sim.client([victim]);
    expect((await sim.await(c.getData('/a'))).data?.toString()).toBe('25');
  });
});
