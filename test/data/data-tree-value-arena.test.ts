import { DataTree } from '../../lib/data/data-tree';
import { CreateTxn, DeleteTxn, SetDataTxn } from '../../lib/jute/records/txn';
import { parseSnapshot } from '../../lib/persistence/snapshot-format';
import { serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import { OpCode } from '../../lib/protocol';
import { parseZooCfg } from '../../lib/config/zoo-cfg';
import { treeOptionsOf } from '../../lib/server/zk-database';
import { apply, OPEN } from './tree-helpers';

const endOfTurn = () => new Promise<void>((r) => setImmediate(r));
const value = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

function create(t: DataTree, zxid: bigint, path: string, data: Buffer | null) {
  return apply(t, zxid, OpCode.create, new CreateTxn({ path, data, acl: OPEN(), ephemeral: false, parentCVersion: -1 }));
}
const setData = (t: DataTree, zxid: bigint, path: string, data: Buffer, version: number) =>
  apply(t, zxid, OpCode.setData, new SetDataTxn({ path, data, version }));

describe('DataTree values in the value arena', () => {
  it('keeps a created value as it came, and a copy in its arena of each value set after', () => {
    const t = new DataTree();
    const created = value(1024, 0);
    create(t, 1n, '/a', created);
    expect(t.getData('/a', null, null)).toBe(created);
    const data = value(1024, 1);
    setData(t, 2n, '/a', data, 1);
    const stored = t.getData('/a', null, null)!;
    expect(stored).not.toBe(data);
    expect(stored.equals(data)).toBe(true);
    expect(t.valueArena!.owns(stored)).toBe(true);
    expect(t.statNode('/a', null).dataLength).toBe(1024);
  });

  it('keeps a replaced value readable for the rest of the turn, then reuses its slot; memory stays flat under overwrites', async () => {
    const t = new DataTree();
    create(t, 1n, '/a', value(1000, 0));
    const before = t.getData('/a', null, null)!;
    setData(t, 2n, '/a', value(1000, 1), 1);
    expect(before.equals(value(1000, 0))).toBe(true);
    expect(t.getData('/a', null, null)!.equals(value(1000, 1))).toBe(true);
    for (let i = 2; i < 2000; i++) {
      setData(t, BigInt(i + 1), '/a', value(1000, i), i);
      if (i % 10 === 0) await endOfTurn();
    }
    await endOfTurn();
    expect(t.getData('/a', null, null)!.equals(value(1000, 1999))).toBe(true);
    // 2000 values of ~1 KiB went through; one slab holds the one that is left.
    expect(t.valueArena!.stats()).toMatchObject({ slabs: 1, values: 1, quarantined: 0 });
  });

  it('gives a deleted node’s slot back, and drops slabs that empty', async () => {
    const t = new DataTree();
    for (let i = 0; i < 3000; i++) create(t, BigInt(i + 1), `/n${i}`, null);
    for (let i = 0; i < 3000; i++) setData(t, BigInt(3001 + i), `/n${i}`, value(1024, i), 1);
    const held = t.valueArena!.stats().slabs;
    expect(held).toBeGreaterThanOrEqual(3); // 3000 KiB in 1 MiB slabs
    for (let i = 0; i < 3000; i++) apply(t, BigInt(5000 + i), OpCode.delete, new DeleteTxn({ path: `/n${i}` }));
    await endOfTurn();
    expect(t.valueArena!.stats()).toMatchObject({ slabs: 1, values: 0 });
  });

  it('has the same digest, data and stats as a tree that keeps each value in its own Buffer', () => {
    const arena = new DataTree();
    const plain = new DataTree({ valueArena: false });
    expect(plain.valueArena).toBeNull();
    for (const t of [arena, plain]) {
      create(t, 1n, '/a', value(100, 1));
      create(t, 2n, '/a/b', value(5000, 2)); // above the arena's largest: kept as it came
      create(t, 3n, '/c', Buffer.alloc(0));
      create(t, 4n, '/d', null);
      setData(t, 5n, '/a', value(3000, 3), 1);
      apply(t, 6n, OpCode.delete, new DeleteTxn({ path: '/a/b' }));
    }
    expect(arena.getTreeDigest()).toBe(plain.getTreeDigest());
    expect(arena.approximateDataSize()).toBe(plain.approximateDataSize());
    for (const p of ['/a', '/c', '/d']) {
      expect(arena.getData(p, null, null)).toEqual(plain.getData(p, null, null));
      expect(arena.statNode(p, null)).toEqual(plain.statNode(p, null));
    }
    const kept = value(64, 9);
    create(plain, 7n, '/e', kept);
    expect(plain.getData('/e', null, null)).toBe(kept);
  });

  it('serializes arena values into snapshots, and restores into a fresh arena', () => {
    const t = new DataTree();
    for (let i = 0; i < 50; i++) create(t, BigInt(i + 1), `/n${i}`, null);
    for (let i = 0; i < 50; i++) setData(t, BigInt(51 + i), `/n${i}`, value(700, i), 1);
    const { bytes } = serializeSnapshotToBuffer(t, new Map());
    const parsed = parseSnapshot(bytes);
    const copy = new DataTree();
    create(copy, 1n, '/old', null);
    setData(copy, 2n, '/old', value(700, 99), 1);
    const oldArena = copy.valueArena!;
    copy.restore(parsed.acls, parsed.nodes);
    expect(copy.valueArena).not.toBe(oldArena);
    expect(copy.valueArena!.stats().values).toBe(0);
    expect(copy.getTreeDigest()).toBe(t.getTreeDigest());
    for (let i = 0; i < 50; i++) expect(copy.getData(`/n${i}`, null, null)!.equals(value(700, i))).toBe(true);
    setData(copy, 200n, '/n0', value(700, 7), 2);
    expect(copy.valueArena!.owns(copy.getData('/n0', null, null))).toBe(true);
  });

  it('takes back a quota stat node’s value when the quota code replaces it', async () => {
    const t = new DataTree();
    create(t, 1n, '/q', null);
    create(t, 2n, '/zookeeper/quota/q', null);
    create(t, 3n, '/zookeeper/quota/q/zookeeper_limits', Buffer.from('count=10,bytes=-1'));
    create(t, 4n, '/zookeeper/quota/q/zookeeper_stats', null);
    setData(t, 5n, '/zookeeper/quota/q/zookeeper_stats', Buffer.from('count=1,bytes=0'), 1);
    expect(t.valueArena!.stats().values).toBe(1);
    create(t, 6n, '/q/x', value(10, 1)); // the stat node's value is replaced (not through setData)
    await endOfTurn();
    expect(t.getData('/zookeeper/quota/q/zookeeper_stats', null, null)!.toString()).toBe('count=2,bytes=10');
    expect(t.valueArena!.stats().values).toBe(0);
  });

  it('is on by default and turned off with zoolab.valueArena=false', () => {
    const on = parseZooCfg('dataDir=/tmp/x').config;
    const off = parseZooCfg('dataDir=/tmp/x\nzoolab.valueArena=false').config;
    expect(on.valueArena).toBe(true);
    expect(off.valueArena).toBe(false);
    expect(new DataTree(treeOptionsOf(off, undefined as never)).valueArena).toBeNull();
    expect(new DataTree(treeOptionsOf(on, undefined as never)).valueArena).not.toBeNull();
    expect(() => parseZooCfg('dataDir=/tmp/x\nzoolab.valueArena=maybe')).toThrow(/zoolab\.valueArena: "maybe" is not a boolean/);
  });
});
