import { NEVER, type Subscription } from 'rxjs';
import { CreateTxn, TxnHeader } from '../../lib/jute/records/txn';
import { OpCode } from '../../lib/protocol';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';
import { ZKDatabase } from '../../lib/server/zk-database';
import { silentLogger } from '../../lib/core/logger';
import type { QuorumPeer } from '../../lib/quorum/quorum-peer';
import { CommittedLog } from '../../lib/quorum/zab/committed-log';
import { Follower } from '../../lib/quorum/zab/follower';
import type { FollowerZooKeeperServer } from '../../lib/quorum/zab/follower-zookeeper-server';
import { fastForwardDatabase, truncateDatabase, type PeerDatabase } from '../../lib/quorum/zab/learner-database';
import { TxnLogTail } from '../../lib/quorum/zab/txn-log-tail';
import { epochOf } from '../../lib/quorum/zab/zxid';
import { MemorySnapshotStore, MemoryTxnLog } from '../../plugins/storage-memory';
import { treesAgree } from './history-checker';
import { startSim, type Sim } from './helpers';

const create = (zxid: bigint, path: string, o: { session?: bigint; ephemeral?: boolean } = {}): TxnEntry => ({
  hdr: new TxnHeader({ clientId: o.session ?? 1n, cxid: 1, zxid, time: 0n, type: OpCode.create }),
  txn: new CreateTxn({ path, data: Buffer.from('x'), acl: [], ephemeral: o.ephemeral ?? false, parentCVersion: -1 }),
});

/** A peer's database over a TxnLogTail, as QuorumPeer builds it. */
function peerDatabase(inner: TxnLog): PeerDatabase & { tail: TxnLogTail } {
  let db: ZKDatabase | null = null;
  const tail = new TxnLogTail(inner, () => db!.lastProcessedZxid);
  db = new ZKDatabase(tail, {}, silentLogger);
  db.markInitialized();
  return { zkDb: db, committedLog: new CommittedLog(100), logger: silentLogger, emit: () => undefined, tail };
}

function apply(p: PeerDatabase, e: TxnEntry): void {
  p.zkDb.processTxn(e.hdr, e.txn, null);
}

describe('the txns a peer logged but has not applied (TxnLogTail)', () => {
  it('are remembered only until the tree applies them', () => {
    const p = peerDatabase(new MemoryTxnLog());
    const es = [1n, 2n, 3n, 4n].map((z) => create(z, `/n${z}`));
    for (const e of es) p.tail.append(e);
    expect(p.tail.unapplied(0n).map((e) => e.hdr.zxid)).toEqual([1n, 2n, 3n, 4n]);
    apply(p, es[0]);
    apply(p, es[1]);
    expect(p.tail.unapplied(p.zkDb.lastProcessedZxid).map((e) => e.hdr.zxid)).toEqual([3n, 4n]);
    expect(p.tail.size).toBe(2);
    for (const e of es.slice(2)) apply(p, e);
    p.tail.append(create(5n, '/n5'));
    // Appending drops what was applied: the tail is as long as what is in flight.
    expect(p.tail.size).toBe(1);
  });

  it('forgets what a truncate takes out of the log', async () => {
    const p = peerDatabase(new MemoryTxnLog());
    for (const z of [1n, 2n, 3n]) p.tail.append(create(z, `/n${z}`));
    await p.tail.commit();
    await p.tail.truncate(1n);
    expect(p.tail.unapplied(0n).map((e) => e.hdr.zxid)).toEqual([1n]);
    expect(p.tail.lastLoggedZxid()).toBe(1n);
  });

  it('let a role end fast-forward from memory: made durable first, the same tree as reading the log back', async () => {
    const inner = new MemoryTxnLog();
    const p = peerDatabase(inner);
    const es = [1n, 2n, 3n, 4n, 5n].map((z) => create(z, `/n${z}`));
    for (const e of es) p.tail.append(e);
    await p.tail.commit();
    for (const e of es.slice(0, 2)) apply(p, e);
    // Logged after the last group commit: durable only once fast-forward commits it.
    const late = create(6n, '/n6');
    p.tail.append(late);
    const read = jest.spyOn(inner, 'read');
    expect(await fastForwardDatabase(p)).toBe(4);
    expect(read).not.toHaveBeenCalled();
    expect(p.zkDb.lastProcessedZxid).toBe(6n);
    inner.crash();
    expect(inner.lastLoggedZxid()).toBe(6n);

    // The same log read back from the file, as before (and as Java does).
    const fromLog = new ZKDatabase(inner, {}, silentLogger);
    for await (const e of inner.read(0n)) fromLog.processTxn(e.hdr, e.txn, null);
    expect(fromLog.dataTree.getNode('/n6')).toBeDefined();
    expect([...p.zkDb.dataTree.nodesInTreeOrder()].map(([path]) => path)).toEqual([...fromLog.dataTree.nodesInTreeOrder()].map(([path]) => path));
  });
});

describe('a TRUNC while a snapshot is written in the background', () => {
  it('waits for it, so a snapshot past the truncation point cannot land after the sweep', async () => {
    const store = new MemorySnapshotStore();
    const log = new MemoryTxnLog();
    let db: ZKDatabase | null = null;
    const tail = new TxnLogTail(log, () => db!.lastProcessedZxid);
    db = new ZKDatabase(tail, {}, silentLogger, { snapshots: store });
    await store.save(db.dataTree, new Map());
    for (const z of [1n, 2n, 3n]) tail.append(create(z, `/n${z}`));
    await tail.commit();
    // A tree that had gone further (this peer led, say) is being written meanwhile.
    const ahead = new ZKDatabase(new MemoryTxnLog(), {}, silentLogger);
    for (const z of [1n, 2n, 3n]) ahead.processTxn(create(z, `/n${z}`).hdr, create(z, `/n${z}`).txn, null);
    const writing = new Promise<void>((resolve) => setTimeout(() => void store.save(ahead.dataTree, new Map()).then(() => resolve()), 5));
    const p: PeerDatabase = { zkDb: db, committedLog: new CommittedLog(100), logger: silentLogger, emit: () => undefined, backgroundSnapshot: () => writing };
    await truncateDatabase(p, 2n);
    expect((await store.list()).map((i) => i.zxid)).toEqual([0n]);
    expect(db.lastProcessedZxid).toBe(2n);
    expect(db.dataTree.getNode('/n3')).toBeUndefined();
  });
});

describe('a learner looking for its new leader', () => {
  it('tries again after 5 ms, then backs off to Java’s 100 ms', async () => {
    const waits: number[] = [];
    let now = 0;
    let refusals = 7;
    const conn = { id: 1, remoteAddress: 'leader', data$: NEVER, isOpen: true, write() {}, close() {} };
    const self = {
      myId: 1,
      tickTime: 2000,
      initLimit: 10,
      config: { juteMaxBuffer: 1 << 20 },
      clock: { now: () => now, schedule: () => ({ unsubscribe() {} }) },
      logger: silentLogger,
      quorumAddressOf: () => ({ host: '127.0.0.1', port: 1 }),
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
      transport: {
        connectQuorum: async () => {
          if (refusals-- > 0) throw new Error('ECONNREFUSED');
          return conn;
        },
      },
    };
    const f = new Follower(self as unknown as QuorumPeer, {} as FollowerZooKeeperServer);
    await (f as unknown as { connectToLeader(id: number): Promise<void> }).connectToLeader(2);
    expect(waits).toEqual([5, 10, 20, 40, 80, 100, 100]);
  });
});

describe('a new leader after a failover', () => {
  let sim: Sim | null = null;
  const subs: Subscription[] = [];
  afterEach(async () => {
    for (const s of subs.splice(0)) s.unsubscribe();
    await sim?.close();
    sim = null;
  });

  /** Stops the leader once every tree agrees; for each survivor that leads next, what it had when it began to serve. */
  async function failover(s: Sim, prepare: (survivors: QuorumPeer[]) => void = () => undefined) {
    const first = await s.serving();
    const zk = await s.client();
    for (let i = 0; i < 5; i++) await s.await(zk.create(`/before${i}`, 'x'));
    await s.until(() => treesAgree(s.ensemble).ok, 5_000, 'trees agree');
    const survivors = [...s.ensemble.nodes.values()].map((n) => n.peer).filter((p) => p !== first);
    prepare(survivors);
    const seen: { peer: QuorumPeer; snapshotZxid: bigint | null; treeZxid: bigint }[] = [];
    for (const peer of survivors) {
      const treeAtLoad = peer.zkDb.lastProcessedZxid;
      subs.push(
        peer.events$.subscribe((e) => {
          if (e.kind !== 'leading') return;
          seen.push({ peer, snapshotZxid: peer.zkDb.snapshots?.lastSnapshotInfo()?.zxid ?? null, treeZxid: treeAtLoad });
        }),
      );
    }
    await s.await(s.ensemble.stopNode(first.myId));
    const next = await s.serving();
    await s.await(zk.create('/after', 'y'));
    expect(seen).toHaveLength(1);
    expect(seen[0].peer).toBe(next);
    return { next, atServing: seen[0] };
  }

  it('serves before writing its start-up snapshot, which follows a tick later', async () => {
    sim = await startSim({ nodes: 3, seed: 11 });
    const { next, atServing } = await failover(sim);
    // It had no snapshot of the tree it began with (Java takes one before it serves learners).
    expect(atServing.snapshotZxid === null || atServing.snapshotZxid < atServing.treeZxid).toBe(true);
    await sim.until(() => {
      const z = next.zkDb.snapshots?.lastSnapshotInfo()?.zxid;
      return z !== undefined && epochOf(z) === next.currentEpoch;
    }, 2 * 200 + 100, 'the start-up snapshot of the new epoch');
  });

  it('snapshots before it serves when it dropped a dead session’s ephemerals (no txn holds that)', async () => {
    sim = await startSim({ nodes: 3, seed: 12 });
    const dead = 0xdeadn;
    const { next, atServing } = await failover(sim, (survivors) => {
      // The survivor with the highest id leads next (equal logs); give it an ephemeral of a
      // session it has no record of, as a restored tree can have.
      const heir = survivors.reduce((a, b) => (a.myId > b.myId ? a : b));
      const z = heir.zkDb.lastProcessedZxid;
      const e = create(z, '/orphan', { session: dead, ephemeral: true });
      heir.zkDb.processTxn(e.hdr, e.txn, null);
      expect(heir.zkDb.getSessions()).toContain(dead);
    });
    expect(atServing.snapshotZxid).toBe(atServing.treeZxid);
    expect(next.zkDb.dataTree.getNode('/orphan')).toBeUndefined();
    await sim.until(() => treesAgree(sim!.ensemble).ok, 5_000, 'trees agree');
  });
});
