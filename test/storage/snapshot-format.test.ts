import { DataTree } from '../../lib/data/data-tree';
import { InvalidSnapshotError } from '../../lib/data/data-tree-snapshot';
import { BinaryOutputArchive } from '../../lib/jute/binary-output-archive';
import { Adler32 } from '../../lib/persistence/snapshot-checksum';
import { adler32 as adler32Of } from '../../lib/persistence/adler32';
import { parseSnapshot, SnapshotFormatError, SNAP_MAGIC } from '../../lib/persistence/snapshot-format';
import { applySnapshot } from '../../lib/persistence/snapshot-load';
import { serializeSnapshot, serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import { adler32 } from '../../lib/persistence/adler32';
import { describeSessions, describeTree, Workload } from './snapshot-fixtures';

function roundTrip(w: Workload, opts: { digestEnabled?: boolean } = {}) {
  const { zxid, bytes } = serializeSnapshotToBuffer(w.tree, w.sessions);
  const parsed = parseSnapshot(bytes, opts);
  const tree = new DataTree({ extendedTypesEnabled: true, digestEnabled: opts.digestEnabled });
  const sessions = new Map<bigint, number>();
  applySnapshot(parsed, zxid, tree, sessions);
  return { tree, sessions, parsed, bytes, zxid };
}

describe('snapshot format (FileSnap / SerializeUtils / DataTree.serialize)', () => {
  it('a tree with data, ACLs, ephemerals, a container, a TTL node and a quota comes back identical', () => {
    const w = new Workload().populate();
    const { tree, sessions, zxid } = roundTrip(w);
    expect(zxid).toBe(w.zxid);
    expect(tree.lastProcessedZxid).toBe(w.zxid);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
    expect(describeSessions(sessions)).toEqual(describeSessions(w.sessions));
    expect(tree.getEphemerals(0x1000000aa0001n)).toEqual(new Set(['/app/eph1', '/app/eph2']));
    expect(tree.getContainers()).toEqual(new Set(['/container']));
    expect(tree.getTtls()).toEqual(new Set(['/ttl']));
    expect(tree.getMaxPrefixWithQuota('/app/config')).toBe('/app');
    // the digest after a non-fuzzy load matches at once
    expect(tree.digests.digestFromLoadedSnapshot).toBeNull();
    expect(tree.digests.mismatches).toBe(0);
  });

  it('lays out header, sessions, ACL map, nodes from the root as "", the "/" marker and two seals', () => {
    const w = new Workload();
    w.createSession(0x42n, 5000);
    w.create('/x', 'hi');
    const { bytes } = serializeSnapshotToBuffer(w.tree, w.sessions);
    expect(bytes.readInt32BE(0)).toBe(SNAP_MAGIC);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('ZKSN');
    expect(bytes.readInt32BE(4)).toBe(2);
    expect(bytes.readBigInt64BE(8)).toBe(-1n);
    expect(bytes.readInt32BE(16)).toBe(1); // one session
    expect(bytes.readBigInt64BE(20)).toBe(0x42n);
    expect(bytes.readInt32BE(28)).toBe(5000);
    // ACL map: /zookeeper/config's READ_ACL_UNSAFE and /x's OPEN_ACL_UNSAFE
    expect(bytes.readInt32BE(32)).toBe(2);
    const parsed = parseSnapshot(bytes);
    expect(parsed.nodes.map(([p]) => p)).toEqual(['', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/x']);
    expect(parsed.hasDigestTrailer).toBe(true);
    expect(parsed.digest).toEqual({ zxid: 2n, digestVersion: 2, digest: w.tree.getTreeDigest() });
    // ... "/" · seal(long, "/") · ZxidDigest (20 bytes) · seal(long, "/")
    const tail = bytes.subarray(bytes.length - (4 + 1 + 8 + 4 + 1 + 20 + 8 + 4 + 1));
    expect(tail.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 1, 0x2f]));
    const firstSealAt = bytes.length - (8 + 5 + 20 + 8 + 5);
    expect(bytes.readBigInt64BE(firstSealAt)).toBe(BigInt(adler32(bytes, 0, firstSealAt)));
    const secondSealAt = bytes.length - 13;
    expect(bytes.readBigInt64BE(secondSealAt)).toBe(BigInt(adler32(bytes, 0, secondSealAt)));
    expect(bytes.subarray(bytes.length - 5)).toEqual(Buffer.from([0, 0, 0, 1, 0x2f]));
  });

  it('without digests the file ends after the first seal, and either reader accepts both forms', () => {
    const w = new Workload(null, { digestEnabled: false }).populate();
    const plain = serializeSnapshotToBuffer(w.tree, w.sessions).bytes;
    const withDigest = serializeSnapshotToBuffer(new Workload().populate().tree, w.sessions).bytes;
    expect(withDigest.length - plain.length).toBe(33);
    expect(parseSnapshot(plain).hasDigestTrailer).toBe(false);
    expect(parseSnapshot(withDigest, { digestEnabled: false }).hasDigestTrailer).toBe(false);
    expect(describeTree(roundTrip(w, { digestEnabled: false }).tree)).toEqual(describeTree(w.tree));
  });

  it('a running Adler-32 over chunks equals the one-shot checksum', () => {
    const buf = Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) & 0xff));
    const a = new Adler32().update(buf, 0, 7).update(buf, 7, 6000).update(buf, 6000);
    expect(a.value).toBe(adler32(buf));
    expect(adler32Of(buf, 5, 100)).toBe(adler32(buf, 5, 100));
  });

  it('chunked output equals the whole, whatever the chunk size', () => {
    const w = new Workload().populate();
    const whole = serializeSnapshotToBuffer(w.tree, w.sessions).bytes;
    const writer = serializeSnapshot(w.tree, w.sessions, { chunkSize: 16 });
    const parts: Buffer[] = [];
    for (let r = writer.chunks.next(); !r.done; r = writer.chunks.next()) parts.push(Buffer.from(r.value));
    expect(parts.length).toBeGreaterThan(10);
    expect(Buffer.concat(parts)).toEqual(whole);
  });

  it("writes each node's acl and stat as the generic jute writer does (negative, large and sign-bit values included)", () => {
    const w = new Workload().populate();
    const node = w.tree.getNode('/app')!;
    // Values whose bytes a hand-written int64 store would get wrong first: the sign bit,
    // both 32-bit halves set, and int32s at their limits.
    node.stat.ephemeralOwner = -0x7f00000000000001n;
    node.stat.pzxid = 0x7fffffff_fffffffen;
    node.stat.mtime = 0x1_0000_0001n;
    node.stat.version = -2147483648;
    node.stat.cversion = 2147483647;
    node.stat.aversion = -1;
    const bytes = serializeSnapshotToBuffer(w.tree, w.sessions, { digestEnabled: false }).bytes;
    const expected = new BinaryOutputArchive();
    expected.writeString('/app');
    expected.writeBuffer(node.data);
    expected.writeLong(node.acl);
    node.stat.serialize(expected);
    const record = expected.toBuffer();
    const at = bytes.indexOf(record);
    expect(at).toBeGreaterThan(0);
    expect(bytes.subarray(at, at + record.length)).toEqual(record);
    // and every node reads back as it was
    const parsed = parseSnapshot(bytes, { digestEnabled: false });
    for (const [path, n] of parsed.nodes) {
      const live = w.tree.getNode(path === '' ? '' : path)!;
      expect(n.stat.toJSON()).toEqual(live.stat.toJSON());
    }
  });

  it('with shareValues, gives each value as a view of the input, equal to the copy', () => {
    const w = new Workload().populate();
    // Buffer.alloc is never a slice of Node's pool, where the copies would come from too
    const serialized = serializeSnapshotToBuffer(w.tree, w.sessions).bytes;
    const bytes = Buffer.alloc(serialized.length);
    serialized.copy(bytes);
    const copied = parseSnapshot(bytes);
    const shared = parseSnapshot(bytes, { shareValues: true });
    expect(shared.nodes.map(([p]) => p)).toEqual(copied.nodes.map(([p]) => p));
    let views = 0;
    shared.nodes.forEach(([path, n], i) => {
      const c = copied.nodes[i][1];
      expect([path, n.data === null ? null : Buffer.from(n.data)]).toEqual([path, c.data === null ? null : Buffer.from(c.data)]);
      expect(n.stat.toJSON()).toEqual(c.stat.toJSON());
      if (n.data !== null && n.data.length > 0) {
        expect(n.data.buffer).toBe(bytes.buffer);
        expect(c.data!.buffer).not.toBe(bytes.buffer);
        views++;
      }
    });
    expect(views).toBeGreaterThan(0);
    // the value's length is still checked against maxBuffer
    const big = parseSnapshot(bytes, { shareValues: true, maxBuffer: 1 << 20 });
    expect(big.nodes.length).toBe(shared.nodes.length);
    expect(() => parseSnapshot(bytes, { shareValues: true, maxBuffer: 1 })).toThrow(SnapshotFormatError);
  });

  describe('bad bytes are a SnapshotFormatError, never a half-loaded tree', () => {
    const w = new Workload().populate();
    const good = serializeSnapshotToBuffer(w.tree, w.sessions).bytes;

    it('a flipped bit in a znode fails the checksum', () => {
      const bad = Buffer.from(good);
      const at = bad.indexOf('root of app, v2');
      bad[at] ^= 0x01;
      expect(() => parseSnapshot(bad)).toThrow(/CRC corruption/);
      expect(() => parseSnapshot(bad)).toThrow(SnapshotFormatError);
    });

    it('a truncation anywhere before the first seal ends fails', () => {
      const firstSealEnd = good.length - 33;
      for (const cut of [0, 3, 15, 40, 200, Math.floor(good.length / 2), firstSealEnd - 14, firstSealEnd - 1]) {
        expect(() => parseSnapshot(good.subarray(0, cut))).toThrow(SnapshotFormatError);
      }
    });

    it('a digest trailer cut short reads as an older snapshot without one (Java: EOF)', () => {
      const parsed = parseSnapshot(good.subarray(0, good.length - 33 + 10));
      expect(parsed.hasDigestTrailer).toBe(false);
      expect(parsed.nodes.length).toBeGreaterThan(10);
    });

    it('a digest without its seal fails', () => {
      expect(() => parseSnapshot(good.subarray(0, good.length - 4))).toThrow(/truncated in the checksum seal/);
    });

    it('a wrong magic is not a snapshot', () => {
      const bad = Buffer.from(good);
      bad.write('ZKLG', 0, 'latin1');
      expect(() => parseSnapshot(bad)).toThrow(/mismatching magic headers/);
    });

    it('an absurd length prefix is rejected before allocating', () => {
      const bad = Buffer.from(good);
      const sessions = w.sessions.size;
      // header 16 · session count 4 · sessions 12 each · ACL map count 4 · first reference 8
      const firstAclCount = 16 + 4 + 12 * sessions + 4 + 8;
      expect(bad.readInt32BE(firstAclCount)).toBeGreaterThan(0);
      bad.writeInt32BE(0x7ffffff0, firstAclCount);
      expect(() => parseSnapshot(bad)).toThrow(/truncated in the ACL cache/);
    });

    it('a node without its parent stops the load with InvalidSnapshotError', () => {
      const t = new Workload();
      t.create('/p', null);
      t.create('/p/c', null);
      const parsed = parseSnapshot(serializeSnapshotToBuffer(t.tree, t.sessions).bytes);
      parsed.nodes = parsed.nodes.filter(([p]) => p !== '/p');
      const sessions = new Map([[1n, 1]]);
      expect(() => applySnapshot(parsed, 1n, new DataTree(), sessions)).toThrow(InvalidSnapshotError);
      expect(sessions.size).toBe(1);
    });
  });

  it('arms the digest check when the snapshot is fuzzy, and drops a digest older than the snapshot', () => {
    const w = new Workload().populate();
    const zxidAtStart = w.tree.lastProcessedZxid;
    const writer = serializeSnapshot(w.tree, w.sessions, { chunkSize: 64 });
    const parts = [writer.chunks.next().value as Buffer];
    w.setData('/app', 'changed while the snapshot was written');
    for (let r = writer.chunks.next(); !r.done; r = writer.chunks.next()) parts.push(r.value);
    const parsed = parseSnapshot(Buffer.concat(parts));
    expect(writer.zxid).toBe(zxidAtStart);
    expect(parsed.digest?.zxid).toBe(zxidAtStart + 1n);
    const tree = new DataTree({ extendedTypesEnabled: true });
    applySnapshot(parsed, zxidAtStart, tree, new Map());
    expect(tree.digests.digestFromLoadedSnapshot?.zxid).toBe(zxidAtStart + 1n);

    const old = parseSnapshot(serializeSnapshotToBuffer(w.tree, w.sessions).bytes);
    const tree2 = new DataTree({ extendedTypesEnabled: true });
    applySnapshot(old, w.zxid + 5n, tree2, new Map());
    expect(tree2.digests.digestFromLoadedSnapshot).toBeNull();
  });
});
