import { ZooKeeper } from '../../lib/client';
import { SeededRandom } from '../../lib/core/random';
import { CreateMode } from '../../lib/protocol';
import { ServerState } from '../../lib/quorum/vote';
import { HistoryChecker, treesAgree } from './history-checker';
import { startSim, type Sim } from './helpers';

let sim: Sim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('observers', () => {
  it('receive every commit, serve reads and writes, and never vote', async () => {
    sim = await startSim({ nodes: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4, type: 'observer' }], seed: 21 });
    const checker = new HistoryChecker();
    checker.watch(sim.ensemble);
    const leader = await sim.serving();
    const observer = sim.ensemble.peer(4);
    expect(observer.peerState).toBe(ServerState.OBSERVING);
    expect(leader.leader!.observingLearners.size).toBe(1);
    expect([...leader.leader!.forwardingFollowers].map((f) => f.sid).sort()).not.toContain(4);

    const viaObserver = await sim.client([4]);
    const viaLeader = await sim.client([leader.myId]);
    for (let i = 0; i < 10; i++) await sim.await(viaLeader.create(`/o${i}`, String(i)));
    await sim.await(viaObserver.create('/from-observer', 'w'));
    await sim.await(viaObserver.sync('/'));
    expect((await sim.await(viaObserver.getChildren('/'))).length).toBe(12);
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    const leaderTxns = checker.applied.get(leader.myId)!.map((a) => a.zxid);
    const observerTxns = checker.applied.get(4)!.map((a) => a.zxid);
    expect(observerTxns).toEqual(leaderTxns);

    // Two of three voters gone: the observer cannot make a quorum with the last one.
    const others = [1, 2, 3].filter((id) => id !== leader.myId);
    await sim.await(sim.ensemble.stopNode(others[0]));
    await sim.await(sim.ensemble.stopNode(others[1]));
    await sim.until(() => leader.peerState === ServerState.LOOKING, 10_000, 'the leader steps down');
    await sim.sim.runFor(10_000);
    expect(sim.ensemble.leaders()).toEqual([]);
    expect(checker.violations).toEqual([]);
  });
});

describe('client sessions in an ensemble', () => {
  it('a session survives the failure of the server it is connected to', async () => {
    sim = await startSim({ nodes: 3, seed: 31 });
    const leader = await sim.serving();
    const follower = [1, 2, 3].find((id) => id !== leader.myId)!;
    const rest = [1, 2, 3].filter((id) => id !== follower);
    // Connected to the follower first (a connect string is tried in order after a shuffle,
    // so give it the follower alone and then widen by reconnecting through the others).
    const zk = await sim.client([follower, ...rest], 6000);
    const servedBy = () => [...sim!.ensemble.nodes.values()].find((n) => n.peer.zooKeeperServer?.getConnections && [...n.peer.zooKeeperServer.getConnections()].some((c) => c.sessionId === zk.sessionId))?.id;
    await sim.await(zk.create('/eph', 'mine', { mode: CreateMode.EPHEMERAL }));
    const sessionId = zk.sessionId;
    const before = servedBy();
    expect(before).toBeDefined();

    await sim.await(sim.ensemble.stopNode(before!));
    await sim.until(() => sim!.ensemble.isServing(), 30_000, 'the ensemble serving again');
    await sim.until(() => servedBy() !== undefined, 30_000, 'the client reconnected elsewhere');
    expect(servedBy()).not.toBe(before);
    expect(zk.sessionId).toBe(sessionId);
    const st = await sim.await(zk.exists('/eph'));
    expect(st?.ephemeralOwner).toBe(sessionId);
    await sim.await(zk.setData('/eph', 'still mine'));
  });

  it('a closed session is gone from the leader and its ephemerals from every server', async () => {
    sim = await startSim({ nodes: 3, seed: 32 });
    const leader = await sim.serving();
    const zk = await sim.client([leader.myId], 4000);
    await sim.await(zk.create('/eph2', 'x', { mode: CreateMode.EPHEMERAL }));
    // The session lives in the leader's tracker and is touched by learners' PINGs.
    expect(leader.leader!.zk.sessionTracker.isTrackingSession(zk.sessionId)).toBe(true);
    await sim.await(zk.close());
    await sim.until(() => !leader.leader!.zk.sessionTracker.isTrackingSession(zk.sessionId), 5_000, 'the session closed');
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    for (const n of sim.ensemble.nodes.values()) expect(n.peer.zkDb.dataTree.getNode('/eph2')).toBeUndefined();
  });

  it('a session taken over through another server is refused on its old one (SESSIONMOVED)', async () => {
    sim = await startSim({ nodes: 3, seed: 34 });
    const leader = await sim.serving();
    const [f1, f2] = [1, 2, 3].filter((id) => id !== leader.myId);
    const zk1 = await sim.client([f1], 6000);
    await sim.await(zk1.create('/moved', 'x'));
    const zk2 = new ZooKeeper(`127.0.0.1:${sim.ensemble.nodes.get(f2)!.clientAddress.port}`, {
      clock: sim.sim,
      socketFactory: sim.clients!,
      random: new SeededRandom(99),
      sessionTimeout: 6000,
      sessionId: zk1.sessionId,
      sessionPasswd: zk1.sessionPasswd,
    });
    await sim.await(zk2.waitForConnected(10_000));
    expect(zk2.sessionId).toBe(zk1.sessionId);
    // The leader now gives the session to f2's LearnerHandler.
    const owner = (leader.leader!.zk.sessionTracker.getSession(zk1.sessionId) as { owner: unknown }).owner;
    expect((owner as { sid: number }).sid).toBe(f2);
    const closedOnF1 = () => ![...sim!.ensemble.peer(f1).zooKeeperServer!.getConnections()].some((c) => c.sessionId === zk1.sessionId);
    const moved = await sim.await(zk1.setData('/moved', 'from the old server').then(() => 'ok', (e: Error) => e.message));
    expect(moved).not.toBe('ok');
    await sim.until(closedOnF1, 5_000, 'the old connection closed');
    await sim.await(zk2.setData('/moved', 'from the new server'));
    expect(sim.ensemble.peer(f2).zkDb.dataTree.getNode('/moved')!.data!.toString()).toBe('from the new server');
    await sim.await(zk2.close());
  });

  it('an abandoned session expires on the leader and its ephemerals vanish everywhere', async () => {
    sim = await startSim({ nodes: 3, seed: 33 });
    const leader = await sim.serving();
    const follower = [1, 2, 3].find((id) => id !== leader.myId)!;
    const zk = await sim.client([follower], 4000);
    await sim.await(zk.create('/gone', 'x', { mode: CreateMode.EPHEMERAL }));
    // The client stops talking (its socket is gone); nobody touches the session any more.
    sim.clients!.connect = () => {
      throw new Error('no more connections');
    };
    const conn = [...sim.ensemble.peer(follower).zooKeeperServer!.getConnections()].find((c) => c.sessionId === zk.sessionId)!;
    conn.close('test drops the client');
    await sim.sim.runFor(12_000);
    for (const n of sim.ensemble.nodes.values()) expect(n.peer.zkDb.dataTree.getNode('/gone')).toBeUndefined();
  });
});
