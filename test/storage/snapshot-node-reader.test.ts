import fc from 'fast-check';
import { DataNode } from '../../lib/data/data-node';
import { DataTree } from '../../lib/data/data-tree';
import { InvalidSnapshotError } from '../../lib/data/data-tree-snapshot';
import { nodeDigest } from '../../lib/data/digest-calculator';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { BinaryOutputArchive } from '../../lib/jute/binary-output-archive';
import { JuteTruncatedError } from '../../lib/jute/errors';
import { StatPersisted } from '../../lib/jute/records/data';
import { SnapshotNodeReader } from '../../lib/persistence/snapshot-node-reader';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Longs that repeat, as a snapshot's do, and longs that differ from each other in one word only. */
const long = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, 5n, 0x100000005n, 0xffffffffn, INT64_MIN, INT64_MAX, 0x80000000n, -0x80000000n),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);
const stat = fc.record({
  czxid: long,
  mzxid: long,
  ctime: long,
  mtime: long,
  version: fc.integer(),
  cversion: fc.integer(),
  aversion: fc.integer(),
  ephemeralOwner: long,
  pzxid: long,
});
const record = fc.record({ data: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }), acl: long, stat });

describe('BinaryInputArchive.readLongLike', () => {
  it('gives the value the 8 bytes encode, whichever candidates it is offered', () => {
    fc.assert(
      fc.property(long, long, long, (v, a, b) => {
        const oa = new BinaryOutputArchive(16);
        oa.writeLong(v, 'v');
        oa.writeLong(v, 'v');
        const ia = new BinaryInputArchive(oa.toBuffer());
        expect(ia.readLongLike(a, b)).toBe(v);
        expect(ia.readLongLike(v, a)).toBe(v);
        expect(ia.remaining).toBe(0);
      }),
    );
  });

  it('is bounds-checked as readLong is', () => {
    const ia = new BinaryInputArchive(Buffer.alloc(7));
    expect(() => ia.readLongLike(0n, 0n)).toThrow(JuteTruncatedError);
  });
});

describe('SnapshotNodeReader', () => {
  it("reads every node record as DataNode's own deserializer does, over runs of nodes", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), fc.boolean(), (records, shareValues) => {
        const oa = new BinaryOutputArchive(1024);
        for (const r of records) {
          oa.writeBuffer(r.data === null ? null : Buffer.from(r.data), 'data');
          oa.writeLong(r.acl, 'acl');
          new StatPersisted(r.stat).serialize(oa);
        }
        const bytes = oa.toBuffer();
        const ia = new BinaryInputArchive(bytes);
        const reader = new SnapshotNodeReader();
        for (const r of records) {
          const n = reader.read(ia, shareValues);
          expect(n).toBeInstanceOf(DataNode);
          expect(n.data === null ? null : Buffer.from(n.data)).toEqual(r.data === null ? null : Buffer.from(r.data));
          expect(n.acl).toBe(r.acl);
          expect(n.stat.toJSON()).toEqual(new StatPersisted(r.stat).toJSON());
          expect(n.numChildren).toBe(0);
        }
        expect(ia.remaining).toBe(0);
      }),
    );
  });

  it('a record cut short is a JuteTruncatedError', () => {
    const oa = new BinaryOutputArchive(128);
    oa.writeBuffer(Buffer.from('v'), 'data');
    oa.writeLong(-1n, 'acl');
    new StatPersisted({ czxid: 3n, mzxid: 3n, pzxid: 3n, ctime: 9n, mtime: 9n }).serialize(oa);
    const bytes = oa.toBuffer();
    for (const cut of [0, 4, 5, 13, bytes.length - 1]) {
      expect(() => new SnapshotNodeReader().read(new BinaryInputArchive(bytes.subarray(0, cut)), false)).toThrow(JuteTruncatedError);
    }
  });
});

/** A node with a stat of its own, so each has a digest of its own. */
function node(i: number): DataNode {
  const n = new DataNode(Buffer.from(`v${i}`), -1n);
  n.czxid = BigInt(i + 1);
  n.mzxid = BigInt(i + 1);
  n.pzxid = BigInt(i + 1);
  return n;
}

/** The digest NodeHashMap.put's own loop gives: a sum over the map's nodes, "/zookeeper/..." left out. */
function digestOf(nodes: Array<[string, DataNode]>): bigint {
  const last = new Map<string, DataNode>(nodes);
  let sum = 0n;
  for (const [path, n] of last) if (!path.startsWith('/zookeeper/')) sum += BigInt(nodeDigest(path, n));
  return BigInt.asIntN(64, sum);
}

function childrenOf(tree: DataTree, paths: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of paths) out[p] = [...tree.getNode(p)!.children].sort();
  return out;
}

describe('TreeRestorer', () => {
  it('hangs each node under its parent whatever order siblings come in (the last-parent cache)', () => {
    // Parents whose paths are prefixes of each other's, and a return to an earlier parent.
    const paths = ['', '/a', '/a/x', '/ab', '/ab/y', '/a/z', '/ac', '/a/x/q', '/ab/w', '/a/x/r', '/abc'];
    const nodes = paths.map((p, i): [string, DataNode] => [p, node(i)]);
    const tree = new DataTree();
    tree.restore([], nodes);
    expect(childrenOf(tree, ['', '/a', '/ab', '/a/x', '/ac', '/abc'])).toEqual({
      '': ['a', 'ab', 'abc', 'ac'],
      '/a': ['x', 'z'],
      '/ab': ['w', 'y'],
      '/a/x': ['q', 'r'],
      '/ac': [],
      '/abc': [],
    });
    expect(tree.getTreeDigest()).toBe(digestOf(nodes));
  });

  it('random trees in random parents-first orders restore to the same children and digest', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), fc.array(fc.nat()), (parentPicks, orderPicks) => {
        // Node k's parent is one of the nodes before it; names repeat under different parents.
        const paths = [''];
        parentPicks.forEach((pick, k) => paths.push(`${paths[pick % paths.length]}/${['a', 'ab', 'b'][k % 3]}${k}`));
        // A parents-first order: take any node whose parent is already out.
        const order: string[] = [];
        const left = new Set(paths);
        let i = 0;
        while (left.size > 0) {
          const ready = [...left].filter((p) => p === '' || !left.has(p.substring(0, p.lastIndexOf('/'))));
          const p = ready[(orderPicks[i++] ?? 0) % ready.length];
          order.push(p);
          left.delete(p);
        }
        const nodes = order.map((p, k): [string, DataNode] => [p, node(k)]);
        const tree = new DataTree();
        tree.restore([], nodes);
        for (const p of paths) {
          const expected = paths.filter((c) => c !== '' && c.substring(0, c.lastIndexOf('/')) === p).map((c) => c.substring(c.lastIndexOf('/') + 1));
          expect([...tree.getNode(p)!.children].sort()).toEqual(expected.sort());
        }
        expect(tree.getTreeDigest()).toBe(digestOf(nodes));
      }),
    );
  });

  it('a path given twice: the last node wins and the first one leaves the digest (as Java put does)', () => {
    const first = node(1);
    const second = node(2);
    const nodes: Array<[string, DataNode]> = [['', node(0)], ['/a', first], ['/a/k', node(3)], ['/a', second], ['/a/j', node(4)]];
    const tree = new DataTree();
    tree.restore([], nodes);
    expect(tree.getNode('/a')).toBe(second);
    // Children added under the first node went with it; the ones after hang under the second.
    expect([...second.children]).toEqual(['j']);
    expect(tree.getTreeDigest()).toBe(digestOf(nodes));
    expect(tree.getTreeDigest()).not.toBe(digestOf([...nodes, ['/a', first]]));

    // The root twice, right after one of its children: that child's parent was the last one looked up.
    const root2 = node(6);
    const withRoot: Array<[string, DataNode]> = [['', node(5)], ['/a', node(7)], ['', root2], ['/b', node(8)]];
    const t2 = new DataTree();
    t2.restore([], withRoot);
    expect(t2.getNode('')).toBe(root2);
    expect([...root2.children]).toEqual(['b']);
    expect(t2.getTreeDigest()).toBe(digestOf(withRoot));
  });

  it('a parent missing is still an InvalidSnapshotError when a near prefix was the last parent', () => {
    const tree = new DataTree();
    expect(() =>
      tree.restore([], [
        ['', node(0)],
        ['/ab', node(1)],
        ['/ab/x', node(2)],
        ['/a/q', node(3)],
      ]),
    ).toThrow(InvalidSnapshotError);
  });
});
