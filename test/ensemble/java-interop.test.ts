import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZooKeeper } from '../../lib/client';
import { InProcessEnsemble } from '../../lib/quorum/ensemble';
import { freePort } from '../support/free-port';
import { haveJavaQuorumPeer, peerMode, startJavaQuorumPeer, until, type JavaQuorumPeer, type PeerPorts } from '../support/java-quorum-peer';
import { tcpEnsembleOnPorts } from '../support/tcp-ensemble-on-ports';

/**
 * zoolab QuorumPeers in one ensemble with ZooKeeper 3.8 servers, over TCP: the quorum
 * packets, the sync modes and the SNAP payload must be what Java's Leader and Learner
 * write and read.
 */
(haveJavaQuorumPeer ? describe : describe.skip)('zoolab and ZooKeeper 3.8 in one ensemble', () => {
  let dir: string;
  let procs: Map<number, JavaQuorumPeer>;
  let ports: Map<number, PeerPorts>;
  let ensemble: InProcessEnsemble | null;
  let clients: ZooKeeper[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-zab-'));
    procs = new Map();
    ports = new Map();
    clients = [];
    ensemble = null;
    for (const id of [1, 2, 3]) ports.set(id, { q: await freePort(), e: await freePort(), c: await freePort() });
  });

  afterEach(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await ensemble?.close();
    for (const id of [...procs.keys()]) await stopJava(id);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  function startJava(id: number, props: string[] = []): void {
    procs.set(id, startJavaQuorumPeer({ id, dir: join(dir, `java${id}`), ports, tickTime: 500, jvmProps: props }));
  }

  async function stopJava(id: number): Promise<void> {
    const j = procs.get(id);
    procs.delete(id);
    await j?.kill();
  }

  const makeEnsemble = (peer: Record<string, unknown> = {}) => tcpEnsembleOnPorts({ ports, tickTime: 500, seed: 5, peer });

  async function client(id: number): Promise<ZooKeeper> {
    const zk = await ZooKeeper.connect(`127.0.0.1:${ports.get(id)!.c}`, { sessionTimeout: 10_000, connectTimeoutMs: 20_000 });
    clients.push(zk);
    return zk;
  }

  const mode = (id: number) => peerMode(ports.get(id)!.c);
  const javaLogs = () => [...procs].map(([id, j]) => `\n--- java ${id} ---\n${j.log().split('\n').filter((l) => /WARN|ERROR|Exception|LEADING|FOLLOWING|LOOKING|Notification/.test(l)).slice(-25).join('\n')}`).join('');

  it('a Java follower joins a zoolab leader, is DIFFed, then SNAPped, and serves what zoolab committed', async () => {
    ensemble = makeEnsemble({ commitLogCount: 3, txnLogSyncLimit: 0 });
    await ensemble.startNode(2);
    await ensemble.startNode(3);
    startJava(1);
    await until(async () => (await mode(3)) === 'leader' && (await mode(1)) === 'follower' && (await mode(2)) === 'follower', 60_000, 'zoolab 3 leading Java 1', javaLogs);

    const viaJava = await client(1);
    await viaJava.create('/from-java', Buffer.from('j'));
    const viaZoolab = await client(2);
    await viaZoolab.sync('/');
    expect((await viaZoolab.getData('/from-java')).data?.toString()).toBe('j');
    await viaZoolab.create('/from-zoolab', Buffer.from('z'));
    await viaJava.sync('/');
    expect((await viaJava.getData('/from-zoolab')).data?.toString()).toBe('z');
    // A fresh learner of a leader with an empty log is sent a snapshot (as Java's leader does).
    expect(procs.get(1)!.log()).toContain('Getting a snapshot from leader');

    // Java misses two txns, inside the committed log: a DIFF.
    await viaJava.close();
    await stopJava(1);
    await viaZoolab.create('/d1', Buffer.from('1'));
    await viaZoolab.create('/d2', Buffer.from('2'));
    startJava(1);
    await until(async () => (await mode(1)) === 'follower', 60_000, 'Java 1 following again', javaLogs);
    expect(procs.get(1)!.log()).toContain('Getting a diff from the leader');
    const afterDiff = await client(1);
    await afterDiff.sync('/');
    expect((await afterDiff.getData('/d2')).data?.toString()).toBe('2');

    // Java falls behind the leader's committed log and comes back: a SNAP in 3.8's bytes.
    await afterDiff.close();
    await stopJava(1);
    for (let i = 0; i < 10; i++) await viaZoolab.create(`/snap${i}`, Buffer.from(String(i)));
    // ~4 MB of values: the snapshot goes in several of the leader's 1 MiB steps.
    for (let i = 0; i < 8; i++) await viaZoolab.create(`/bulk${i}`, Buffer.alloc(500_000, 0x41 + i));
    startJava(1);
    await until(async () => (await mode(1)) === 'follower', 60_000, 'Java 1 following again', javaLogs);
    expect(procs.get(1)!.log()).toContain('Getting a snapshot from leader');
    const again = await client(1);
    await again.sync('/');
    const children = await again.getChildren('/');
    for (let i = 0; i < 10; i++) expect(children).toContain(`snap${i}`);
    expect((await again.getData('/snap9')).data?.toString()).toBe('9');
    const bulk = (await again.getData('/bulk7')).data!;
    expect(bulk.length).toBe(500_000);
    expect(bulk.equals(Buffer.alloc(500_000, 0x48))).toBe(true);
    expect(ensemble.peer(3).stats.lastSnapSent!.bytes).toBeGreaterThan(4_000_000);
  }, 120_000);

  it('zoolab followers join a Java leader, are DIFFed again after missing txns, and forward writes to it', async () => {
    // Java caps commitLogCount at 500 at least, so the SNAP comes from zookeeper.forceSnapshotSync.
    startJava(3);
    // Up and looking before the zoolab peers, so the highest id (Java's) wins the first round.
    await until(() => procs.get(3)!.log().includes('LOOKING'), 60_000, 'Java 3 looking');
    ensemble = makeEnsemble();
    await ensemble.startNode(1);
    await ensemble.startNode(2);
    await until(async () => (await mode(3)) === 'leader' && (await mode(1)) === 'follower' && (await mode(2)) === 'follower', 60_000, 'Java 3 leading', javaLogs);
    expect(ensemble.peer(1).stats.lastSyncMode).toBe('DIFF');

    const viaZoolab = await client(1);
    await viaZoolab.create('/a', Buffer.from('1'));
    await viaZoolab.setData('/a', Buffer.from('2'));
    const viaJava = await client(3);
    expect((await viaJava.getData('/a')).data?.toString()).toBe('2');

    await ensemble.stopNode(2);
    for (let i = 0; i < 10; i++) await viaJava.create(`/k${i}`, Buffer.from(String(i)));
    await ensemble.startNode(2);
    await until(async () => (await mode(2)) === 'follower', 60_000, 'zoolab 2 following again', javaLogs);
    expect(ensemble.peer(2).stats.lastSyncMode).toBe('DIFF');
    const z2 = await client(2);
    await z2.sync('/');
    expect((await z2.getChildren('/')).filter((c) => c.startsWith('k')).length).toBe(10);
    expect(ensemble.peer(2).zkDb.dataTree.getTreeDigest()).toBe(ensemble.peer(1).zkDb.dataTree.getTreeDigest());
  }, 120_000);

  it('a zoolab follower loads a Java leader\'s SNAP', async () => {
    startJava(3, ['-Dzookeeper.forceSnapshotSync=true']);
    await until(() => procs.get(3)!.log().includes('LOOKING'), 60_000, 'Java 3 looking');
    ensemble = makeEnsemble();
    await ensemble.startNode(1);
    await until(async () => (await mode(3)) === 'leader' && (await mode(1)) === 'follower', 60_000, 'Java 3 leading', javaLogs);
    const viaJava = await client(3);
    await viaJava.create('/s', Buffer.from('x'));
    for (let i = 0; i < 10; i++) await viaJava.create(`/s/k${i}`, Buffer.from(String(i)), { mode: i % 2 ? 1 : 0 });
    await ensemble.startNode(2);
    await until(async () => (await mode(2)) === 'follower', 60_000, 'zoolab 2 following', javaLogs);
    expect(ensemble.peer(2).stats.lastSyncMode).toBe('SNAP');
    const p2 = ensemble.peer(2);
    expect(p2.zkDb.dataTree.getNode('/s')!.getChildren().size).toBe(10);
    expect(p2.zkDb.dataTree.getNode('/s/k1')!.stat.ephemeralOwner).toBe(viaJava.sessionId);
    expect(p2.zkDb.sessionsWithTimeouts.has(viaJava.sessionId)).toBe(true);
    expect(p2.zkDb.dataTree.getTreeDigest()).toBe(ensemble.peer(1).zkDb.dataTree.getTreeDigest());
    const z2 = await client(2);
    await z2.create('/s/from-zoolab', Buffer.from('z'));
    expect((await viaJava.getData('/s/from-zoolab')).data?.toString()).toBe('z');
  }, 120_000);
});
