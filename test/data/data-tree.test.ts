import { Code, EventType, KeeperException, OpCode, Perms } from '../../lib/protocol';
import { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner } from '../../lib/data/ephemeral-type';
import { DataTree } from '../../lib/data/data-tree';
import { copyStatPersisted, DataNode } from '../../lib/data/data-node';
import { ACL, Id, Stat, StatPersisted } from '../../lib/jute/records/data';
import { RecordingWatcher } from './recording-watcher';
import { digestAcl, OPEN } from './tree-helpers';

function codeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof KeeperException) return e.code;
    throw e;
  }
  return Code.OK;
}

describe('a fresh DataTree', () => {
  it('holds /, /zookeeper, /zookeeper/quota and /zookeeper/config as Java builds them', () => {
    const t = new DataTree();
    expect(t.getNodeCount()).toBe(5); // the root is there as "" and "/"
    expect(t.getAllChildrenNumber('/')).toBe(3);
    expect(t.getChildren('/', null, null)).toEqual(['zookeeper']);
    expect(new Set(t.getChildren('/zookeeper', null, null))).toEqual(new Set(['quota', 'config']));
    const root = t.statNode('/', null);
    expect(root.cversion).toBe(-1); // 0 creates * 2 - 1 child
    expect(root.numChildren).toBe(1);
    const config = t.statNode('/zookeeper/config', null);
    expect(config.aversion).toBe(-1);
    expect(t.getACL('/zookeeper/config', null)[0].perms).toBe(1);
    expect(t.getACL('/', null)[0].id.scheme).toBe('world');
    expect(t.approximateDataSize()).toBe(44);
    expect(t.aclCacheSize()).toBe(1);
    expect(t.isSpecialPath('/zookeeper/quota')).toBe(true);
    expect(t.isSpecialPath('/a')).toBe(false);
  });
});

describe('DataTree changes', () => {
  it('creates a node with stat from zxid and time and moves the parent cversion and pzxid', () => {
    const t = new DataTree();
    const out = new Stat();
    t.createNode('/a', Buffer.from('hi'), OPEN(), 0n, 1, 5n, 99n, out);
    expect(out.toJSON()).toMatchObject({ czxid: '5', mzxid: '5', pzxid: '5', ctime: '99', mtime: '99', version: 0, dataLength: 2 });
    const root = t.statNode('/', null);
    expect(root.pzxid).toBe(5n);
    expect(root.cversion).toBe(0); // 1 create * 2 - 2 children
  });

  it('counts creates and deletes in the client cversion', () => {
    const t = new DataTree();
    t.createNode('/p', null, OPEN(), 0n, 1, 1n, 0n);
    t.createNode('/p/a', null, OPEN(), 0n, 1, 2n, 0n);
    t.createNode('/p/b', null, OPEN(), 0n, 2, 3n, 0n);
    t.deleteNode('/p/a', 4n);
    const s = t.statNode('/p', null);
    expect([s.cversion, s.numChildren, s.pzxid]).toEqual([3, 1, 4n]);
  });

  it('takes -1 as the next parent cversion and never moves cversion back', () => {
    const t = new DataTree();
    t.createNode('/p', null, OPEN(), 0n, -1, 1n, 0n);
    t.createNode('/p/a', null, OPEN(), 0n, 5, 2n, 0n);
    expect(t.getNode('/p')!.stat.cversion).toBe(5);
    t.createNode('/p/b', null, OPEN(), 0n, 3, 3n, 0n); // a replay behind the parent
    expect(t.getNode('/p')!.stat.cversion).toBe(5);
    expect(t.getNode('/p')!.stat.pzxid).toBe(2n);
    t.createNode('/p/c', null, OPEN(), 0n, -1, 4n, 0n);
    expect(t.getNode('/p')!.stat.cversion).toBe(6);
  });

  it('refuses a child of a missing parent and a node that exists', () => {
    const t = new DataTree();
    expect(codeOf(() => t.createNode('/x/y', null, OPEN(), 0n, -1, 1n, 0n))).toBe(Code.NONODE);
    t.createNode('/x', null, OPEN(), 0n, -1, 1n, 0n);
    expect(codeOf(() => t.createNode('/x', null, OPEN(), 0n, -1, 2n, 0n))).toBe(Code.NODEEXISTS);
    expect(codeOf(() => t.deleteNode('/nope', 3n))).toBe(Code.NONODE);
    expect(codeOf(() => t.setData('/nope', null, 1, 3n, 0n))).toBe(Code.NONODE);
    expect(codeOf(() => t.setACL('/nope', null, 1))).toBe(Code.NONODE);
    expect(codeOf(() => t.getData('/nope', null, null))).toBe(Code.NONODE);
    expect(codeOf(() => t.getChildren('/nope', null, null))).toBe(Code.NONODE);
    expect(codeOf(() => t.getACL('/nope', null))).toBe(Code.NONODE);
  });

  it('a create of a node that exists changes neither the parent nor the digest, and re-points the ACL', () => {
    const t = new DataTree();
    t.createNode('/p', null, OPEN(), 0n, -1, 1n, 0n);
    t.createNode('/p/c', Buffer.from('v'), OPEN(), 0n, -1, 2n, 0n);
    const parent = t.getNode('/p')!.stat.toJSON();
    const children = t.getNode('/p')!.childNames();
    const digest = t.getTreeDigest();
    const readOnly = [new ACL({ perms: Perms.READ, id: new Id({ scheme: 'world', id: 'anyone' }) })];
    expect(codeOf(() => t.createNode('/p/c', null, readOnly, 0n, -1, 3n, 0n))).toBe(Code.NODEEXISTS);
    expect(t.getNode('/p')!.stat.toJSON()).toEqual(parent);
    expect(t.getNode('/p')!.childNames()).toBe(children);
    expect(t.getTreeDigest()).toBe(digest);
    expect(t.getNode('/p/c')!.data!.toString()).toBe('v');
    // ZOOKEEPER-4846: the existing node points at the replayed create's cached ACL.
    expect(t.getACL('/p/c', null).map((a) => a.perms)).toEqual([Perms.READ]);
  });

  it('sets data with the version prep computed and keeps sizes current', () => {
    const t = new DataTree();
    t.createNode('/a', Buffer.from('12'), OPEN(), 0n, -1, 1n, 10n);
    const before = t.approximateDataSize();
    const s = t.setData('/a', Buffer.from('12345'), 1, 2n, 20n);
    expect([s.version, s.mzxid, s.mtime, s.czxid, s.dataLength]).toEqual([1, 2n, 20n, 1n, 5]);
    expect(t.approximateDataSize()).toBe(before + 3);
    expect(t.cachedApproximateDataSize()).toBe(t.approximateDataSize());
    expect(t.getData('/a', null, null)!.toString()).toBe('12345');
  });

  it('sets the ACL with the new aversion and shares equal ACL lists', () => {
    const t = new DataTree();
    t.createNode('/a', null, digestAcl(), 0n, -1, 1n, 0n);
    t.createNode('/b', null, digestAcl(), 0n, -1, 2n, 0n);
    expect(t.getNode('/a')!.acl).toBe(t.getNode('/b')!.acl);
    const s = t.setACL('/a', OPEN(), 1);
    expect(s.aversion).toBe(1);
    expect(t.getACL('/a', null)[0].id.id).toBe('anyone');
    t.deleteNode('/b', 3n);
    expect(t.aclCacheSize()).toBe(2); // READ_ACL_UNSAFE of /zookeeper/config and OPEN of /a
  });

  it('counts all descendants for getAllChildrenNumber', () => {
    const t = new DataTree();
    t.createNode('/a', null, OPEN(), 0n, -1, 1n, 0n);
    t.createNode('/a/b', null, OPEN(), 0n, -1, 2n, 0n);
    t.createNode('/a/b/c', null, OPEN(), 0n, -1, 3n, 0n);
    t.createNode('/ab', null, OPEN(), 0n, -1, 4n, 0n);
    expect(t.getAllChildrenNumber('/a')).toBe(2);
    expect(t.getAllChildrenNumber('/')).toBe(7);
  });
});

describe('DataTree owners', () => {
  it('tracks ephemerals per session and shows the owner in the Stat', () => {
    const t = new DataTree();
    t.createNode('/e', null, OPEN(), 0x55n, -1, 1n, 0n);
    t.createNode('/f', null, OPEN(), 0x55n, -1, 2n, 0n);
    expect(t.getEphemerals(0x55n)).toEqual(new Set(['/e', '/f']));
    expect(t.getEphemeralsCount()).toBe(2);
    expect(t.statNode('/e', null).ephemeralOwner).toBe(0x55n);
    t.deleteNode('/e', 3n);
    expect(t.getEphemerals(0x55n)).toEqual(new Set(['/f']));
    expect(t.dumpEphemerals()).toBe('Sessions with Ephemerals (1):\n0x55:\n\t/f\n');
    t.killSession(0x55n, 4n);
    expect(t.getNode('/f')).toBeUndefined();
    expect(t.getSessions()).toEqual([]);
  });

  it("keeps a session listed after its last ephemeral goes, with a new set instead of its old one emptied", () => {
    const t = new DataTree();
    const setOf = (owner: bigint): Set<string> | undefined =>
      (t.ephemerals as unknown as { ephemerals: Map<bigint, Set<string>> }).ephemerals.get(owner);
    t.createNode('/a', null, OPEN(), 0x66n, -1, 1n, 0n);
    t.createNode('/b', null, OPEN(), 0x66n, -1, 2n, 0n);
    const before = setOf(0x66n);
    t.deleteNode('/a', 3n);
    expect(setOf(0x66n)).toBe(before);
    t.deleteNode('/b', 4n);
    // See deleteFromKeyedSet: an old set emptied in place gets old-generation tables.
    expect(setOf(0x66n)).not.toBe(before);
    expect(t.getEphemerals(0x66n)).toEqual(new Set());
    expect(t.getSessions()).toEqual([0x66n]);
    // A lock recipe's cycle: one ephemeral at a time, created and deleted.
    for (let i = 0; i < 3; i++) {
      t.createNode(`/lock-${i}`, null, OPEN(), 0x66n, -1, BigInt(5 + 2 * i), 0n);
      expect(t.getEphemerals(0x66n)).toEqual(new Set([`/lock-${i}`]));
      t.deleteNode(`/lock-${i}`, BigInt(6 + 2 * i));
    }
    expect(t.getEphemeralsCount()).toBe(0);
    expect(t.dumpEphemerals()).toBe('Sessions with Ephemerals (1):\n0x66:\n');
  });

  it('keeps containers and TTL nodes apart and shows them with owner 0', () => {
    const t = new DataTree({ extendedTypesEnabled: true });
    t.createNode('/c', null, OPEN(), CONTAINER_EPHEMERAL_OWNER, -1, 1n, 0n);
    t.createNode('/t', null, OPEN(), ttlToEphemeralOwner(100n), -1, 2n, 0n);
    expect(t.getContainers()).toEqual(new Set(['/c']));
    expect(t.getTtls()).toEqual(new Set(['/t']));
    expect(t.getSessions()).toEqual([]);
    expect(t.statNode('/c', null).ephemeralOwner).toBe(0n);
    expect(t.statNode('/t', null).ephemeralOwner).toBe(0n);
    expect(t.getNode('/t')!.stat.ephemeralOwner).toBe(ttlToEphemeralOwner(100n));
    t.deleteNode('/c', 3n);
    t.deleteNode('/t', 4n);
    expect(t.getContainers().size + t.getTtls().size).toBe(0);
  });

  it('counts a TTL-looking owner as a session when extended types are off', () => {
    const t = new DataTree();
    const owner = ttlToEphemeralOwner(100n);
    t.createNode('/t', null, OPEN(), owner, -1, 1n, 0n);
    expect(t.getTtls().size).toBe(0);
    expect(t.getEphemerals(owner)).toEqual(new Set(['/t']));
  });
});

describe('DataTree watches', () => {
  it('fires NodeCreated, NodeDataChanged, NodeChildrenChanged and NodeDeleted with the txn zxid', () => {
    const t = new DataTree();
    const w = new RecordingWatcher();
    expect(codeOf(() => t.statNode('/a', w))).toBe(Code.NONODE); // an exists watch on a missing node
    t.getChildren('/', null, w);
    t.createNode('/a', null, OPEN(), 0n, -1, 1n, 0n);
    expect(w.take()).toEqual([
      [EventType.NodeCreated, '/a', 1n],
      [EventType.NodeChildrenChanged, '/', 1n],
    ]);
    t.getData('/a', null, w);
    t.setData('/a', null, 1, 2n, 0n);
    expect(w.take()).toEqual([[EventType.NodeDataChanged, '/a', 2n]]);
    t.getData('/a', null, w);
    t.getChildren('/a', null, w);
    t.deleteNode('/a', 3n);
    // One NodeDeleted although both a data and a child watch were on /a.
    expect(w.take()).toEqual([[EventType.NodeDeleted, '/a', 3n]]);
    expect(t.getWatchCount()).toBe(0);
  });

  it('sets no watch when getData or getChildren fails', () => {
    const t = new DataTree();
    const w = new RecordingWatcher();
    codeOf(() => t.getData('/x', null, w));
    codeOf(() => t.getChildren('/x', null, w));
    expect(t.getWatchCount()).toBe(0);
  });

  it('fires persistent recursive watches for the subtree without NodeChildrenChanged', () => {
    const t = new DataTree();
    const w = new RecordingWatcher();
    t.addWatch('/a', w, 1);
    t.createNode('/a', null, OPEN(), 0n, -1, 1n, 0n);
    t.createNode('/a/b', null, OPEN(), 0n, -1, 2n, 0n);
    t.setData('/a/b', null, 1, 3n, 0n);
    t.deleteNode('/a/b', 4n);
    expect(w.take()).toEqual([
      [EventType.NodeCreated, '/a', 1n],
      [EventType.NodeCreated, '/a/b', 2n],
      [EventType.NodeDataChanged, '/a/b', 3n],
      [EventType.NodeDeleted, '/a/b', 4n],
    ]);
    expect(t.getWatchCount()).toBe(2);
  });

  it('fires persistent watches for the node and its children list, and keeps them', () => {
    const t = new DataTree();
    const w = new RecordingWatcher();
    t.createNode('/a', null, OPEN(), 0n, -1, 1n, 0n);
    t.addWatch('/a', w, 0);
    t.createNode('/a/b', null, OPEN(), 0n, -1, 2n, 0n);
    t.setData('/a', null, 1, 3n, 0n);
    t.setData('/a/b', null, 1, 4n, 0n);
    t.setData('/a', null, 2, 5n, 0n);
    expect(w.take()).toEqual([
      [EventType.NodeChildrenChanged, '/a', 2n],
      [EventType.NodeDataChanged, '/a', 3n],
      [EventType.NodeDataChanged, '/a', 5n],
    ]);
  });

  it('removes watches by type and answers checkWatches', () => {
    const t = new DataTree();
    const w = new RecordingWatcher();
    t.createNode('/a', null, OPEN(), 0n, -1, 1n, 0n);
    t.getData('/a', null, w);
    t.getChildren('/a', null, w);
    expect(t.containsWatcher('/a', 2, w)).toBe(true);
    expect(t.removeWatch('/a', 1, w)).toBe(true);
    expect(t.removeWatch('/a', 1, w)).toBe(false);
    expect(t.containsWatcher('/a', 1, w)).toBe(false);
    expect(t.removeWatch('/a', 3, w)).toBe(true);
    expect(t.removeWatch('/a', 3, w)).toBe(false);
    expect(() => t.removeWatch('/a', 4, w)).toThrow('Invalid WatcherType 4');
  });

  it('forgets every watch of a closed connection', () => {
    const t = new DataTree();
    const w = new RecordingWatcher();
    t.addWatch('/', w, 1);
    t.statNode('/', w);
    t.removeCnxn(w);
    expect(t.getWatchCount()).toBe(0);
    t.createNode('/x', null, OPEN(), 0n, -1, 1n, 0n);
    expect(w.events).toHaveLength(0);
  });

  it('catches a reconnecting client up in setWatches and re-registers the rest', () => {
    const t = new DataTree();
    t.createNode('/old', null, OPEN(), 0n, -1, 1n, 0n);
    t.createNode('/new', null, OPEN(), 0n, -1, 5n, 0n);
    const w = new RecordingWatcher();
    t.setWatches(3n, ['/old', '/new', '/gone'], ['/new', '/absent'], ['/', '/old', '/gone'], ['/p'], ['/r'], w);
    expect(w.take()).toEqual([
      [EventType.NodeDataChanged, '/new', -1n],
      [EventType.NodeDeleted, '/gone', -1n],
      [EventType.NodeCreated, '/new', -1n],
      [EventType.NodeChildrenChanged, '/', -1n],
      [EventType.NodeDeleted, '/gone', -1n],
    ]);
    // /old data, /absent exists, /old children, /p and /r in both managers.
    expect(t.getWatchCount()).toBe(7);
    t.createNode('/absent', null, OPEN(), 0n, -1, 6n, 0n);
    expect(w.take()).toEqual([[EventType.NodeCreated, '/absent', 6n]]);
  });

  it('reports data watches for wchs, wchc and wchp', () => {
    const t = new DataTree();
    const w = new RecordingWatcher(0xabn);
    t.statNode('/', w);
    t.getChildren('/', null, w);
    expect(t.watches.getWatchesSummary().toMap()).toEqual({ num_connections: 1, num_paths: 1, num_total_watches: 1 });
    expect(t.watches.dumpWatches(false)).toBe('0xab\n\t/\n');
  });
});

describe('DataTree snapshots', () => {
  it('walks nodes in tree order from the root alias and rebuilds an equal tree', () => {
    const t = new DataTree({ extendedTypesEnabled: true });
    t.createNode('/a', Buffer.from('x'), digestAcl(), 0n, -1, 1n, 0n);
    t.createNode('/a/e', null, OPEN(), 0x77n, -1, 2n, 0n);
    t.createNode('/c', null, OPEN(), CONTAINER_EPHEMERAL_OWNER, -1, 3n, 0n);
    const order = [...t.nodesInTreeOrder()].map(([p]) => p);
    expect(order[0]).toBe('');
    expect(new Set(order)).toEqual(new Set(['', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/a', '/a/e', '/c']));
    expect(order.indexOf('/a')).toBeLessThan(order.indexOf('/a/e'));

    const copy = new DataTree({ extendedTypesEnabled: true });
    const snapshot = [...t.nodesInTreeOrder()].map(([p, n]) => {
      const stat = new StatPersisted();
      copyStatPersisted(n.stat, stat);
      return [p, new DataNode(n.data, n.acl, stat)] as const;
    });
    copy.restore([...t.aclCache.entries()], snapshot);
    expect(copy.getTreeDigest()).toBe(t.getTreeDigest());
    expect(copy.getNodeCount()).toBe(t.getNodeCount());
    expect(copy.getEphemerals(0x77n)).toEqual(new Set(['/a/e']));
    expect(copy.getContainers()).toEqual(new Set(['/c']));
    expect(copy.getACL('/a', null)).toEqual(digestAcl());
    expect(copy.statNode('/', null).toJSON()).toEqual(t.statNode('/', null).toJSON());
    expect(copy.approximateDataSize()).toBe(t.approximateDataSize());
  });

  it('refuses a snapshot whose node comes before its parent', () => {
    const t = new DataTree();
    const node = (): DataNode => new DataNode(null, -1n, new StatPersisted());
    expect(() => t.restore([], [['', node()], ['/a/b', node()]])).toThrow('unable to find parent /a of path /a/b');
  });
});
