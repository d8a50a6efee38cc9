import { ServerState } from '../../lib/quorum/vote';
import { HistoryChecker, treesAgree } from './history-checker';
import { startSim, type Sim } from './helpers';

let sim: Sim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('how a rejoining server is synced', () => {
  it('a server with txns nobody committed is TRUNCated to the leader', async () => {
    sim = await startSim({ nodes: 3, seed: 11 });
    const checker = new HistoryChecker();
    checker.watch(sim.ensemble);
    const old = await sim.serving();
    const zk = await sim.client([old.myId]);
    for (let i = 0; i < 5; i++) await sim.await(zk.create(`/c${i}`, 'x'));
    const committedBefore = old.zkDb.lastProcessedZxid;

    // The leader proposes, logs its own proposal, and is cut off before anyone sees it.
    const ghost = zk.create('/ghost', 'never committed').catch((e: unknown) => e);
    await sim.until(() => (old.leader?.outstandingProposals.size ?? 0) > 0, 1_000, 'a proposal in flight');
    sim.network!.isolate(old.myId);
    await sim.until(() => old.peerState === ServerState.LOOKING, 10_000, 'the old leader steps down');
    await sim.until(() => sim!.ensemble.leaders().some((p) => p.myId !== old.myId), 30_000, 'a new leader');
    expect(old.lastLoggedZxid).toBeGreaterThan(committedBefore);

    sim.network!.heal();
    await sim.serving();
    expect(old.stats.lastSyncMode).toBe('TRUNC');
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    expect(old.zkDb.dataTree.getNode('/ghost')).toBeUndefined();
    expect(old.zkDb.dataTree.getNode('/c4')).toBeDefined();
    await sim.await(ghost);
    expect(checker.violations).toEqual([]);
  });

  it('a server far behind the committed log gets a SNAP, and keeps it across a restart', async () => {
    sim = await startSim({ nodes: 3, seed: 12, peer: { commitLogCount: 5, txnLogSyncLimit: 0 } });
    const leader = await sim.serving();
    const victim = [...sim.ensemble.nodes.keys()].find((id) => id !== leader.myId)!;
    const zk = await sim.client([leader.myId]);
    await sim.await(zk.create('/s', '0'));
    await sim.await(sim.ensemble.stopNode(victim));
    for (let i = 1; i <= 30; i++) await sim.await(zk.create(`/s/k${i}`, String(i)));
    // It had txns in its log before; the SNAP replaces them, so they must not stay there
    // for it to DIFF someone from later (a learner's log older than its SNAP is not history).
    await sim.await(sim.ensemble.startNode(victim));
    const resets: bigint[] = [];
    sim.ensemble.peer(victim).events$.subscribe((e) => e.kind === 'reset' && e.reason === 'snap' && resets.push(e.zxid));
    await sim.serving();
    expect(sim.ensemble.peer(victim).stats.lastSyncMode).toBe('SNAP');
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    expect(resets).toHaveLength(1);
    const logged: bigint[] = [];
    for await (const e of sim.ensemble.peer(victim).zkDb.txnLog.read(-1n)) logged.push(e.hdr.zxid);
    expect(logged.every((z) => z > resets[0])).toBe(true);
    await sim.await(zk.create('/s/after-snap', 'y'));

    await sim.await(sim.ensemble.stopNode(victim));
    await sim.await(sim.ensemble.startNode(victim));
    await sim.serving();
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree after restart');
    const c = await sim.client([victim]);
    expect((await sim.await(c.getChildren('/s'))).length).toBe(31);
  });

  it('a SNAP streams while clients keep writing, and the learner ends with the leader\'s tree and no digest mismatch', async () => {
    sim = await startSim({ nodes: 3, seed: 14, peer: { commitLogCount: 5, txnLogSyncLimit: 0 } });
    const leader = await sim.serving();
    const victim = [...sim.ensemble.nodes.keys()].find((id) => id !== leader.myId)!;
    const zk = await sim.client([leader.myId]);
    await sim.await(zk.create('/big', ''));
    await sim.await(sim.ensemble.stopNode(victim));
    // ~6 MB: the leader sends it in six steps (SNAP_STREAM_STEP_BYTES), each once the last
    // has arrived, and commits the writes below in between.
    const value = 'v'.repeat(7_500);
    for (let i = 0; i < 800; i++) await sim.await(zk.create(`/big/n${i}`, value));
    sim.network!.faults = { ...sim.network!.faults, latency: [1, 3] };
    let writing = true;
    let n = 0;
    const writer = async (w: number): Promise<void> => {
      while (writing) {
        const k = n++;
        await zk.setData(`/big/n${(k * 37 + w) % 800}`, `w${k}`).catch(() => undefined);
        await zk.create(`/big/new${k}`, 'x');
        await zk.delete(`/big/n${799 - (k % 800)}`).catch(() => undefined);
      }
    };
    const writes = Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(writer));
    await sim.await(sim.ensemble.startNode(victim));
    await sim.until(() => sim!.ensemble.peer(victim).stats.lastSyncMode === 'SNAP' && sim!.ensemble.isServing(), 30_000, 'the victim synced');
    const after = n;
    await sim.until(() => n >= after + 20, 30_000, 'writes after the sync');
    writing = false;
    await sim.await(writes);
    const sent = sim.ensemble.leaders()[0].stats.lastSnapSent!;
    expect(sent.bytes).toBeGreaterThan(5_000_000);
    // Txns were committed while it streamed: the learner replayed them over a fuzzy tree.
    expect(sent.zxidAtEnd - sent.zxid).toBeGreaterThan(10n);
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
    expect(sim.ensemble.peer(victim).zkDb.dataTree.digests.mismatches).toBe(0);
    expect(sim.ensemble.peer(victim).zkDb.dataTree.digests.fuzzy).toBe(false);
  });

  it('a server far behind is DIFFed from the txn log when the committed log is too short', async () => {
    sim = await startSim({ nodes: 3, seed: 13, peer: { commitLogCount: 5 } });
    const leader = await sim.serving();
    const victim = [...sim.ensemble.nodes.keys()].find((id) => id !== leader.myId)!;
    const zk = await sim.client([leader.myId]);
    await sim.await(zk.create('/t', '0'));
    await sim.await(sim.ensemble.stopNode(victim));
    for (let i = 1; i <= 30; i++) await sim.await(zk.setData('/t', String(i)));
    await sim.await(sim.ensemble.startNode(victim));
    await sim.serving();
    expect(sim.ensemble.peer(victim).stats.lastSyncMode).toBe('DIFF');
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
  });
});
