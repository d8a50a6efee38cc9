import { DataTree } from '../../lib/data/data-tree';
import { JuteLengthError } from '../../lib/jute/errors';
import { ACL, Id } from '../../lib/jute/records/data';
import { CreateTxn, TxnHeader } from '../../lib/jute/records/txn';
import { OpCode } from '../../lib/protocol';
import { serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import { ByteQueue } from '../../lib/quorum/zab/byte-queue';
import { LearnerSnapshotReader, parseLearnerSnapshot, serializeLearnerSnapshot } from '../../lib/quorum/zab/learner-snapshot';
import { learnerSnapshotChunks } from '../../lib/quorum/zab/learner-snapshot';
import { learnerSnapshotRecordSize } from '../../lib/quorum/zab/learner-snapshot-size';
import { describeTree, digestAcl, Workload } from '../storage/snapshot-fixtures';

const OPEN = [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })];
const SIGNATURE_BYTES = 4 + 'BenWasHere'.length;

/** /v and /v/k0../v/k{n-1}, each value 200 bytes that start with "value-<i>:". */
function tree(n: number): DataTree {
  const t = new DataTree();
  let zxid = 1n;
  const create = (path: string, data: Buffer | null): void => {
    t.processTxn(new TxnHeader({ clientId: 7n, cxid: 1, zxid, time: 5n, type: OpCode.create }), new CreateTxn({ path, data, acl: OPEN, ephemeral: false, parentCVersion: -1 }));
    zxid++;
  };
  create('/v', null);
  for (let i = 0; i < n; i++) {
    const value = Buffer.alloc(200, 0x2e);
    value.write(`value-${i}:`);
    create(`/v/k${i}`, value);
  }
  return t;
}

/** A copy in memory of its own, never a slice of Node's shared pool. */
const own = (b: Buffer): Buffer => {
  const out = Buffer.alloc(b.length);
  b.copy(out);
  return out;
};

describe('the SNAP payload a leader sends', () => {
  it('is a snapshot file\'s body without its file header and seal, then the signature', () => {
    const t = tree(50);
    const sessions = new Map<bigint, number>([[0x101n, 4000]]);
    const snap = Buffer.concat(serializeLearnerSnapshot(t, sessions, 512));
    const file = serializeSnapshotToBuffer(t, sessions, { digestEnabled: false }).bytes;
    // The file: magic, version and dbid (16 bytes), the body, then the seal (a long and "/").
    expect(snap.subarray(0, snap.length - SIGNATURE_BYTES)).toEqual(file.subarray(16, file.length - 13));
    const copy = new DataTree();
    const parsed = parseLearnerSnapshot(snap);
    copy.restore(parsed.acls, parsed.nodes);
    expect(copy.getTreeDigest()).toBe(t.getTreeDigest());
    expect(parsed.sessions).toEqual([[0x101n, 4000]]);
  });
});

describe('a SNAP streamed while the leader goes on committing', () => {
  /**
   * The leader's side: a tree, a SNAP started on it, half its chunks sent, then more txns,
   * then the rest. The learner's side: the payload, then those txns (forwarded from the
   * snapshot's zxid), as Learner.syncWithLeader applies them before NEWLEADER.
   */
  function streamWhileCommitting(): { leader: Workload; learner: DataTree; fuzzyAt: bigint; sentLate: Buffer | null } {
    const leader = new Workload().populate();
    for (let i = 0; i < 60; i++) leader.create(`/f${i}`, 'x'.repeat(40));
    const writer = learnerSnapshotChunks(leader.tree, leader.sessions, 256);
    const chunks: Buffer[] = [];
    for (let i = 0; i < 8; i++) chunks.push(writer.chunks.next().value as Buffer);
    const fuzzyAt = leader.zxid;
    expect(writer.zxid).toBe(fuzzyAt);
    for (let i = 0; i < 60; i += 3) {
      leader.setData(`/f${i}`, `changed ${i}`);
      leader.delete(`/f${i + 1}`);
      leader.create(`/f${i + 1}`, 're-created');
      leader.create(`/f${i}/kid`, 'k', { acl: digestAcl(`user${i}:hash${i}`) });
      if (i % 2 === 0) leader.setACL(`/f${i + 2}`, digestAcl(`other${i}:h`));
    }
    leader.closeSession(0x1000000aa0001n);
    leader.createSession(0x1000000aa0009n);
    chunks.push(...writer.chunks);
    const snap = parseLearnerSnapshot(Buffer.concat(chunks));
    const learner = new DataTree({ extendedTypesEnabled: true });
    learner.restore(snap.acls, snap.nodes);
    learner.lastProcessedZxid = fuzzyAt;
    const sentLate = snap.nodes.find(([path]) => path === '/f57')?.[1].data ?? null;
    learner.digests.fuzzy = true;
    for (const e of leader.applied.filter((t) => t.hdr.zxid > fuzzyAt)) learner.processTxn(e.hdr, e.txn, e.digest);
    return { leader, learner, fuzzyAt, sentLate };
  }

  it('sends each node as it is when its chunk is made, and the forwarded txns bring the learner to the leader\'s tree', () => {
    const { leader, learner, sentLate } = streamWhileCommitting();
    // /f57 was changed after the SNAP started and before its chunk was made.
    expect(sentLate?.toString()).toBe('changed 57');
    expect(describeTree(learner)).toEqual(describeTree(leader.tree));
    expect(learner.getTreeDigest()).toBe(leader.tree.getTreeDigest());
    expect(learner.digests.mismatches).toBe(0);
  });

  it('compares no txn digest until NEWLEADER clears DataTreeDigests.fuzzy, and then does', () => {
    const { leader, learner } = streamWhileCommitting();
    learner.digests.fuzzy = false;
    const next = leader.setData('/f3', 'after NEWLEADER');
    learner.processTxn(next.hdr, next.txn, next.digest);
    expect(learner.digests.mismatches).toBe(0);
    // A txn whose digest is not the tree's counts once comparing is back on.
    const bad = leader.setData('/f3', 'again');
    learner.processTxn(bad.hdr, bad.txn, { ...bad.digest!, treeDigest: 12345n } as typeof bad.digest);
    expect(learner.digests.mismatches).toBe(1);
  });
});

describe('reading a SNAP payload as it streams in', () => {
  it('keeps each value as a view of the chunk it came in, and joins only the record cut by a chunk\'s end', () => {
    const bytes = Buffer.concat(serializeLearnerSnapshot(tree(200), new Map()));
    // Cut in the middle of k100's value: that record alone spans the two chunks.
    const cut = bytes.indexOf('value-100:') + 50;
    const a = own(bytes.subarray(0, cut));
    const b = own(bytes.subarray(cut));
    const q = new ByteQueue(1 << 20);
    const reader = new LearnerSnapshotReader();
    q.push(a);
    expect(reader.read(q)).toBeNull();
    q.push(b);
    const snap = reader.read(q)!;
    const values = snap.nodes.filter(([path]) => path.startsWith('/v/'));
    expect(values).toHaveLength(200);
    for (const [path, node] of values) {
      const i = Number(path.substring(4));
      expect(node.data!.subarray(0, 11).toString()).toBe(`value-${i}:`.padEnd(11, '.'));
      // Joining everything queued, as before, made the values after k100 views of the
      // join; copying each value made none of them views at all.
      if (i < 100) expect(node.data!.buffer).toBe(a.buffer);
      if (i > 100) expect(node.data!.buffer).toBe(b.buffer);
    }
  });

  it('restores into a tree given to it as the nodes come, the same tree as collecting them gives', () => {
    const leader = new Workload().populate();
    for (let i = 0; i < 300; i++) leader.create(`/r${i}`, 'x'.repeat(300));
    const bytes = Buffer.concat(serializeLearnerSnapshot(leader.tree, leader.sessions));
    const into = new DataTree({ extendedTypesEnabled: true });
    const q = new ByteQueue(1 << 20);
    const reader = new LearnerSnapshotReader(1 << 20, into);
    let snap = null;
    let restoredBeforeTheEnd = 0;
    for (let off = 0; off < bytes.length && !snap; off += 4096) {
      q.push(own(bytes.subarray(off, off + 4096)));
      snap = reader.read(q);
      if (!snap) restoredBeforeTheEnd = Math.max(restoredBeforeTheEnd, into.getNodeCount());
    }
    expect(snap!.tree).toBe(into);
    expect(snap!.nodes).toEqual([]);
    // Nodes went into the tree while the payload was still coming.
    expect(restoredBeforeTheEnd).toBeGreaterThan(100);
    const collected = parseLearnerSnapshot(bytes);
    const copy = new DataTree({ extendedTypesEnabled: true });
    copy.restore(collected.acls, collected.nodes);
    expect(describeTree(into)).toEqual(describeTree(copy));
    expect(into.getTreeDigest()).toBe(leader.tree.getTreeDigest());
    expect(into.getEphemerals(0x1000000aa0001n).size).toBe(2);
  });

  it('fails on a node whose parent has not come, as it comes', () => {
    const t = tree(3);
    const bytes = own(Buffer.concat(serializeLearnerSnapshot(t, new Map())));
    // "/v/k1" becomes "/x/k1": a child of a node the snapshot never had.
    const at = bytes.indexOf('/v/k1');
    bytes.write('/x', at, 'latin1');
    const q = new ByteQueue(1 << 20);
    q.push(bytes);
    expect(() => new LearnerSnapshotReader(1 << 20, new DataTree()).read(q)).toThrow(/unable to find parent \/x of path \/x\/k1/);
  });

  it('refuses a length over jute.maxbuffer as soon as it comes, not once that many bytes have', () => {
    const bytes = own(Buffer.concat(serializeLearnerSnapshot(tree(5), new Map())));
    const lengthAt = bytes.indexOf('value-3:') - 4;
    expect(bytes.readInt32BE(lengthAt)).toBe(200);
    bytes.writeInt32BE(0x200000, lengthAt);
    const q = new ByteQueue(0x100000);
    const reader = new LearnerSnapshotReader(0x100000);
    q.push(bytes.subarray(0, 100));
    expect(reader.read(q)).toBeNull();
    q.push(bytes.subarray(100, lengthAt + 10));
    expect(() => reader.read(q)).toThrow(JuteLengthError);
  });
});

describe('learnerSnapshotRecordSize', () => {
  const max = 0xfffff;
  const node = (path: string, dataLen: number): Buffer => {
    const p = Buffer.from(path);
    const b = Buffer.alloc(4 + p.length + 4 + Math.max(dataLen, 0) + 68);
    b.writeInt32BE(p.length, 0);
    p.copy(b, 4);
    b.writeInt32BE(dataLen, 4 + p.length);
    return b;
  };

  it('gives a node\'s whole size once its lengths are in, and the least it needs before', () => {
    const n = node('/a/b', 10);
    expect(learnerSnapshotRecordSize('nodes', n, 0, max)).toBe(4 + 4 + 4 + 10 + 68);
    expect(learnerSnapshotRecordSize('nodes', node('/a', -1), 0, max)).toBe(4 + 2 + 4 + 68);
    expect(learnerSnapshotRecordSize('nodes', n.subarray(0, 3), 0, max)).toBe(5);
    expect(learnerSnapshotRecordSize('nodes', n.subarray(0, 9), 0, max)).toBe(4 + 4 + 4);
    // The "/" end marker has nothing after it.
    expect(learnerSnapshotRecordSize('nodes', Buffer.from([0, 0, 0, 1, 0x2f]), 0, max)).toBe(5);
    // At an offset, as the queue reads in place.
    expect(learnerSnapshotRecordSize('nodes', Buffer.concat([Buffer.alloc(7), n]), 7, max)).toBe(90);
  });

  it('sizes sessions, counts, ACL entries and the signature', () => {
    expect(learnerSnapshotRecordSize('count', Buffer.alloc(0), 0, max)).toBe(4);
    expect(learnerSnapshotRecordSize('sessions', Buffer.alloc(0), 0, max)).toBe(12);
    // ref, one ACL: perms, "world", "anyone".
    const acl = Buffer.alloc(8 + 4 + 4 + 4 + 5 + 4 + 6);
    acl.writeInt32BE(1, 8);
    acl.writeInt32BE(5, 16);
    acl.writeInt32BE(6, 25);
    expect(learnerSnapshotRecordSize('acls', acl, 0, max)).toBe(acl.length);
    expect(learnerSnapshotRecordSize('acls', acl.subarray(0, 18), 0, max)).toBe(20);
    expect(learnerSnapshotRecordSize('acls', acl.subarray(0, 22), 0, max)).toBe(29);
    expect(learnerSnapshotRecordSize('signature', Buffer.from([0, 0, 0, 10]), 0, max)).toBe(14);
  });

  it('is 0 for a length jute refuses, so the read throws its own error', () => {
    expect(learnerSnapshotRecordSize('nodes', node('/a', max + 1), 0, max)).toBe(0);
    const bad = Buffer.alloc(8);
    bad.writeInt32BE(-2, 0);
    expect(learnerSnapshotRecordSize('nodes', bad, 0, max)).toBe(0);
    expect(learnerSnapshotRecordSize('signature', bad, 0, max)).toBe(0);
  });
});
