import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Subject } from 'rxjs';
import { DataTree } from '../../lib/data/data-tree';
import { encode } from '../../lib/jute/codec';
import { ACL, Id, StatPersisted } from '../../lib/jute/records/data';
import { LearnerInfo, QuorumPacket } from '../../lib/jute/records/quorum';
import { CreateTxn, TxnHeader } from '../../lib/jute/records/txn';
import { OpCode } from '../../lib/protocol';
import { Request } from '../../lib/server/request';
import { ByteQueue } from '../../lib/quorum/zab/byte-queue';
import { CommitProcessor } from '../../lib/quorum/zab/commit-processor';
import { CommittedLog } from '../../lib/quorum/zab/committed-log';
import { LearnerSnapshotError, LearnerSnapshotReader, parseLearnerSnapshot, serializeLearnerSnapshot } from '../../lib/quorum/zab/learner-snapshot';
import { planSync } from '../../lib/quorum/zab/learner-sync';
import { PacketType, packetTypeName } from '../../lib/quorum/zab/packet-types';
import { QuorumConnectionClosedError, QuorumPacketChannel, QuorumReadTimeoutError, encodeQuorumPacket, quorumPacket } from '../../lib/quorum/zab/quorum-packet-channel';
import { makeZxid } from '../../lib/quorum/zab/zxid';
import { SeededRandom } from '../../lib/core/random';
import { quorumConnectionPair } from './quorum-connection-pair';
import type { QuorumConnection } from '../../lib/transport/peer-transport';

const z = (e: number, c: number) => makeZxid(BigInt(e), BigInt(c));

function committed(...zxids: bigint[]): QuorumPacket[] {
  const log = new CommittedLog(1000);
  for (const zxid of zxids) {
    log.add({ hdr: new TxnHeader({ clientId: 1n, cxid: 1, zxid, time: 0n, type: OpCode.create }), txn: new CreateTxn({ path: `/n${zxid}`, data: null, acl: [], ephemeral: false, parentCVersion: 0 }) });
  }
  return [...log];
}

const kinds = (ps: QuorumPacket[]) => ps.map((p) => `${packetTypeName(p.type)}:${p.zxid.toString(16)}`);

describe('the leader decides how to sync a learner (LearnerHandler.syncFollower)', () => {
  const log = committed(z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2));

  it('sends an empty DIFF to a learner that is in sync', () => {
    const p = planSync(z(2, 2), { committedLog: log, lastProcessedZxid: z(2, 2), txnLogProposals: null });
    expect(p.mode).toBe('DIFF');
    expect(kinds(p.packets)).toEqual(['DIFF:200000002']);
  });

  it('DIFFs a learner behind inside the committed log with PROPOSAL/COMMIT pairs', () => {
    const p = planSync(z(1, 2), { committedLog: log, lastProcessedZxid: z(2, 2), txnLogProposals: null });
    expect(p.mode).toBe('DIFF');
    expect(kinds(p.packets)).toEqual([
      'DIFF:200000002',
      'PROPOSAL:100000003', 'COMMIT:100000003',
      'PROPOSAL:200000001', 'COMMIT:200000001',
      'PROPOSAL:200000002', 'COMMIT:200000002',
    ]);
    expect(p.currentZxid).toBe(z(2, 2));
  });

  it('TRUNCates a learner that is ahead of everything committed', () => {
    const p = planSync(z(2, 5), { committedLog: log, lastProcessedZxid: z(3, 0), txnLogProposals: null });
    expect(p.mode).toBe('TRUNC');
    expect(kinds(p.packets)).toEqual(['TRUNC:200000002']);
  });

  it('TRUNCates inside the log when the learner has a txn the leader does not, in the same epoch', () => {
    const gappy = committed(z(1, 1), z(1, 2), z(1, 4));
    const p = planSync(z(1, 3), { committedLog: gappy, lastProcessedZxid: z(1, 4), txnLogProposals: null });
    expect(p.mode).toBe('TRUNC');
    expect(kinds(p.packets)).toEqual(['TRUNC:100000002', 'PROPOSAL:100000004', 'COMMIT:100000004']);
  });

  it('falls back to SNAP when the learner diverged in an older epoch (as 3.8 does)', () => {
    const p = planSync(z(1, 7), { committedLog: log, lastProcessedZxid: z(2, 2), txnLogProposals: null });
    expect(p.mode).toBe('SNAP');
  });

  it('DIFFs a learner at the start of an epoch', () => {
    const p = planSync(z(2, 0), { committedLog: log, lastProcessedZxid: z(2, 2), txnLogProposals: null });
    expect(p.mode).toBe('DIFF');
    expect(kinds(p.packets)[0]).toBe('DIFF:200000002');
    expect(kinds(p.packets).slice(1)).toEqual(['PROPOSAL:200000001', 'COMMIT:200000001', 'PROPOSAL:200000002', 'COMMIT:200000002']);
  });

  it('uses the txn log before the committed log, and SNAPs without it or across a gap', () => {
    const window = committed(z(1, 5), z(1, 6));
    const fromLog = committed(z(1, 2), z(1, 3), z(1, 4), z(1, 5), z(1, 6));
    const viaLog = planSync(z(1, 2), { committedLog: window, lastProcessedZxid: z(1, 6), txnLogProposals: fromLog });
    expect(viaLog.mode).toBe('DIFF');
    expect(kinds(viaLog.packets).filter((k) => k.startsWith('COMMIT'))).toEqual(['COMMIT:100000003', 'COMMIT:100000004', 'COMMIT:100000005', 'COMMIT:100000006']);
    expect(planSync(z(1, 2), { committedLog: window, lastProcessedZxid: z(1, 6), txnLogProposals: null }).mode).toBe('SNAP');
    const gap = committed(z(1, 2), z(1, 3));
    expect(planSync(z(1, 2), { committedLog: window, lastProcessedZxid: z(1, 6), txnLogProposals: gap }).mode).toBe('SNAP');
    expect(planSync(z(1, 6), { committedLog: window, lastProcessedZxid: z(1, 6), txnLogProposals: null, forceSnap: true }).mode).toBe('SNAP');
  });
});

describe('the committed log (ZKDatabase.committedLog)', () => {
  it('keeps the last `limit` txns and lets the ones it drops be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const log = new CommittedLog(10);
    // Added in a function of its own: no register of this async test keeps an entry.
    const dropped = ((): Array<WeakRef<object>> => {
      const refs: Array<WeakRef<object>> = [];
      for (let c = 1; c <= 50; c++) {
        const txn = new CreateTxn({ path: `/n${c}`, data: Buffer.alloc(16), acl: [], ephemeral: false, parentCVersion: 0 });
        if (c <= 40) refs.push(new WeakRef(txn));
        log.add({ hdr: new TxnHeader({ clientId: 1n, cxid: c, zxid: z(1, c), time: 0n, type: OpCode.create }), txn });
      }
      return refs;
    })();
    expect(log.size).toBe(10);
    expect([log.minCommittedLog, log.maxCommittedLog]).toEqual([z(1, 41), z(1, 50)]);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(dropped.filter((w) => w.deref() !== undefined)).toHaveLength(0);
    expect([...log].map((p) => p.zxid)).toEqual(Array.from({ length: 10 }, (_, i) => z(1, 41 + i)));
  });
});

describe('quorum packets on the wire', () => {
  it('are QuorumPacket records back to back, null data and authinfo as -1 (Java BinaryOutputArchive)', () => {
    expect(encodeQuorumPacket(quorumPacket(PacketType.PING, 5n)).toString('hex')).toBe('00000005' + '0000000000000005' + 'ffffffff' + 'ffffffff');
    const withData = encodeQuorumPacket(quorumPacket(PacketType.ACKEPOCH, z(1, 3), Buffer.from([0, 0, 0, 1]), [new Id({ scheme: 'ip', id: 'x' })]));
    expect(withData.toString('hex')).toBe('00000012' + '0000000100000003' + '00000004' + '00000001' + '00000001' + '000000026970' + '0000000178');
  });

  it('LearnerInfo is sid, protocol version 0x10000 and config version (20 bytes)', () => {
    expect(encode(new LearnerInfo({ serverid: 3n, protocolVersion: 0x10000, configVersion: 0n })).toString('hex')).toBe('0000000000000003' + '00010000' + '0000000000000000');
  });

  it('the packet type numbers are Leader 3.8 constants', () => {
    expect(PacketType).toMatchObject({ REQUEST: 1, PROPOSAL: 2, ACK: 3, COMMIT: 4, PING: 5, REVALIDATE: 6, SYNC: 7, INFORM: 8, NEWLEADER: 10, FOLLOWERINFO: 11, UPTODATE: 12, DIFF: 13, TRUNC: 14, SNAP: 15, OBSERVERINFO: 16, LEADERINFO: 17, ACKEPOCH: 18 });
  });
});

describe('the SNAP payload', () => {
  function tree(): DataTree {
    const t = new DataTree();
    const acl = [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })];
    let zxid = 1n;
    for (const p of ['/a', '/a/b', '/c']) {
      t.processTxn(new TxnHeader({ clientId: 7n, cxid: 1, zxid, time: 5n, type: OpCode.create }), new CreateTxn({ path: p, data: Buffer.from(p), acl, ephemeral: false, parentCVersion: -1 }));
      zxid++;
    }
    return t;
  }

  it('round-trips the tree and sessions, read in arbitrary chunks', () => {
    const t = tree();
    const sessions = new Map<bigint, number>([[0x101n, 4000], [0x102n, 6000]]);
    const bytes = Buffer.concat(serializeLearnerSnapshot(t, sessions, 16));
    const rnd = new SeededRandom(3);
    const q = new ByteQueue(1 << 20);
    const reader = new LearnerSnapshotReader();
    let snap = null;
    for (let off = 0; off < bytes.length && !snap; ) {
      const n = 1 + rnd.int(9);
      q.push(bytes.subarray(off, off + n));
      off += n;
      snap = reader.read(q);
    }
    expect(snap).not.toBeNull();
    expect(snap!.sessions).toEqual([[0x101n, 4000], [0x102n, 6000]]);
    const copy = new DataTree();
    copy.restore(snap!.acls, snap!.nodes);
    expect(copy.getTreeDigest()).toBe(t.getTreeDigest());
    expect(copy.getNode('/a/b')!.data!.toString()).toBe('/a/b');
  });

  it('ends with the "BenWasHere" signature, and anything else is refused', () => {
    const bytes = Buffer.concat(serializeLearnerSnapshot(tree(), new Map()));
    expect(bytes.subarray(bytes.length - 14).toString('latin1')).toBe('\u0000\u0000\u0000\u000aBenWasHere');
    const bad = Buffer.from(bytes);
    bad.write('BenWasGone', bytes.length - 10, 'latin1');
    expect(() => parseLearnerSnapshot(bad)).toThrow(LearnerSnapshotError);
    expect(() => parseLearnerSnapshot(bytes.subarray(0, bytes.length - 3))).toThrow(LearnerSnapshotError);
  });

  it('StatPersisted fields survive (ephemeral owners, versions)', () => {
    const t = new DataTree();
    t.processTxn(new TxnHeader({ clientId: 9n, cxid: 1, zxid: 1n, time: 5n, type: OpCode.create }), new CreateTxn({ path: '/e', data: null, acl: [], ephemeral: true, parentCVersion: -1 }));
    const snap = parseLearnerSnapshot(Buffer.concat(serializeLearnerSnapshot(t, new Map([[9n, 1000]]))));
    const e = snap.nodes.find(([p]) => p === '/e')![1];
    expect(e.stat).toBeInstanceOf(StatPersisted);
    expect(e.stat.ephemeralOwner).toBe(9n);
  });
});

describe('QuorumPacketChannel reads packets the way a blocking socket read does', () => {
  it('assembles a packet split over many chunks', async () => {
    const { clock, client, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock);
    const bytes = encodeQuorumPacket(quorumPacket(PacketType.PROPOSAL, z(1, 1), Buffer.alloc(1000, 7)));
    for (let i = 0; i < bytes.length; i += 100) client.write(bytes.subarray(i, i + 100));
    let got: QuorumPacket | null = null;
    void ch.read(1000).then((p) => (got = p));
    await clock.runUntilTrue(() => got !== null, 1000);
    expect(got!.type).toBe(PacketType.PROPOSAL);
    expect(got!.data!.length).toBe(1000);
  });

  it('writable: true once the connection can take more, false when it took nothing within the timeout', async () => {
    const { clock, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock);
    let ready: boolean | null = null;
    void ch.writable(1000).then((v) => (ready = v));
    await clock.runUntilTrue(() => ready !== null, 2000);
    expect(ready).toBe(true);
    // A learner that stopped reading: its connection never becomes writable again.
    const other = await quorumConnectionPair();
    const stuck: QuorumConnection = {
      id: other.server.id,
      remoteAddress: other.server.remoteAddress,
      data$: other.server.data$,
      isOpen: true,
      write: () => undefined,
      close: () => undefined,
      whenWritable: () => new Promise<void>(() => undefined),
    };
    const ch2 = new QuorumPacketChannel(stuck, other.clock);
    let answer: boolean | null = null;
    const t0 = other.clock.now();
    void ch2.writable(1000).then((v) => (answer = v));
    await other.clock.runUntilTrue(() => answer !== null, 5000);
    expect(answer).toBe(false);
    expect(other.clock.now() - t0).toBe(1000);
  });

  it('times out on the clock when nothing comes, and fails when the other end closes', async () => {
    const { clock, client, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock);
    let err: unknown = null;
    void ch.read(500).catch((e) => (err = e));
    await clock.runFor(499);
    expect(err).toBeNull();
    await clock.runFor(2);
    expect(err).toBeInstanceOf(QuorumReadTimeoutError);
    let err2: unknown = null;
    void ch.read(10_000).catch((e) => (err2 = e));
    client.close();
    await clock.runFor(50);
    expect(err2).toBeInstanceOf(QuorumConnectionClosedError);
  });

  it('refuses a stream that is not jute, closing the connection', async () => {
    const { clock, client, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock, 1024);
    client.write(Buffer.from('00000002' + '0000000000000001' + '7fffffff', 'hex'));
    let err: unknown = null;
    void ch.read(1000).catch((e) => (err = e));
    await clock.runFor(20);
    expect((err as Error).name).toBe('JuteLengthError');
    expect(server.isOpen).toBe(false);
  });
});

describe('CommitProcessor keeps each session in order', () => {
  const req = (session: bigint, cxid: number, type: number) => new Request(null, session, cxid, type, Buffer.alloc(0), [], 0);

  it('holds a session\'s reads behind its pending write, lets other sessions pass, and applies foreign commits', () => {
    const cp = new CommitProcessor(true);
    const out: string[] = [];
    const sub = cp.operator(new Subject<Request>()).subscribe((r) => out.push(`${r.sessionId}:${r.cxid}`));
    const w = req(1n, 1, OpCode.create);
    cp.processRequest(w);
    cp.processRequest(req(1n, 2, OpCode.getData));
    cp.processRequest(req(2n, 1, OpCode.getData));
    expect(out).toEqual(['2:1']);
    const foreign = req(3n, 9, OpCode.create);
    foreign.hdr = new TxnHeader({ clientId: 3n, cxid: 9, zxid: 1n, time: 0n, type: OpCode.create });
    cp.commit(foreign);
    expect(out).toEqual(['2:1', '3:9']);
    const c = req(1n, 1, OpCode.create);
    c.hdr = new TxnHeader({ clientId: 1n, cxid: 1, zxid: 2n, time: 0n, type: OpCode.create });
    cp.commit(c);
    expect(out).toEqual(['2:1', '3:9', '1:1', '1:2']);
    expect(w.hdr?.zxid).toBe(2n);
    sub.unsubscribe();
  });
});
