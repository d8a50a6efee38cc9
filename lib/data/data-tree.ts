import { ACL, Stat, StatPersisted } from '../jute/records/data';
import type { TxnDigest, TxnHeader } from '../jute/records/txn';
import type { JuteRecord } from '../jute/types';
import { Code, KeeperException } from '../protocol/keeper-exception';
import { EventType, Ids } from '../protocol/zoo-defs';
import { DataNode, createdNode } from './data-node';
import { PreppedCrcs, takePrecalculatedDigest } from './digest-calculator';
import { DataTreeBookkeeping, type DataTreeOptions } from './data-tree-bookkeeping';
import { applyTxn, killSession, ProcessTxnResult } from './data-tree-txn';
import { TreeRestorer } from './data-tree-snapshot';
import { Quotas } from './quotas';
import { ZnodeValueArena } from './znode-value-arena';
import type { Watcher } from './watcher';

export { ProcessTxnResult } from './data-tree-txn';
export { UnsupportedWatcherTypeError } from './data-tree-watches';
export type { ZxidDigest } from './data-tree-digest';
export { InvalidSnapshotError } from './data-tree-snapshot';
export type { DataTreeOptions } from './data-tree-bookkeeping';

const ROOT = '/';
const PROC = Quotas.procZookeeper;
const QUOTA = Quotas.quotaZookeeper;
const CONFIG = '/zookeeper/config';
/** Over-the-wire size of a Stat: 6 longs and 5 ints. */
export const STAT_OVERHEAD_BYTES = 6 * 8 + 5 * 4;

function nodeSize(path: string | null, data: Buffer | null): number {
  return (path === null ? 0 : path.length) + (data === null ? 0 : data.length);
}

function watchPathOf(parentName: string): string {
  return parentName === '' ? ROOT : parentName;
}

/**
 * DataTree: the znodes of one server, with the bookkeeping around them (DataTreeBookkeeping:
 * ephemerals per session, containers, TTL nodes, quotas, the ACL cache, the tree digest
 * and the data / child watch managers). Plain synchronous code with no IO and no clock:
 * time comes in with each txn. Errors are KeeperExceptions with Java's codes (NONODE, NODEEXISTS).
 *
 * As in Java the root is stored under both "" and "/": nodeCount counts 5 for a fresh
 * tree, which is what mntr's znode_count says.
 */
export class DataTree extends DataTreeBookkeeping {
  /** Prep's CRCs of path and data for the txns it prepped and this tree has yet to apply. */
  readonly prepped = new PreppedCrcs();

  constructor(opts: DataTreeOptions = {}) {
    super(opts);
    const root = new DataNode(Buffer.alloc(0), -1n);
    const proc = new DataNode(Buffer.alloc(0), -1n);
    const quota = new DataNode(Buffer.alloc(0), -1n);
    this.nodes.put('', root);
    this.nodes.putWithoutDigest(ROOT, root);
    root.addChild(PROC.substring(1));
    this.nodes.put(PROC, proc);
    proc.addChild(QUOTA.substring(PROC.length + 1));
    this.nodes.put(QUOTA, quota);
    this.addConfigNode();
    this.nodeDataSize = this.approximateDataSize();
  }

  /** Adds /zookeeper/config, readable by anyone and writable by no one (ZOOKEEPER-2014). */
  addConfigNode(): void {
    const zk = this.nodes.get(PROC);
    if (zk === undefined) throw new Error('There is no /zookeeper znode');
    zk.addChild(CONFIG.substring(PROC.length + 1));
    this.nodes.put(CONFIG, new DataNode(Buffer.alloc(0), -1n));
    this.setACL(CONFIG, Ids.READ_ACL_UNSAFE(), -1);
  }

  /** "/", "/zookeeper", "/zookeeper/quota" and "/zookeeper/config". */
  isSpecialPath(path: string): boolean {
    return path === ROOT || path === PROC || path === QUOTA || path === CONFIG;
  }

  getNode(path: string): DataNode | undefined {
    return this.nodes.get(path);
  }

  /** getNode for prep, whose txn will change the node: its apply then finds it sooner. */
  getNodeForChange(path: string): DataNode | undefined {
    return this.nodes.getForChange(path);
  }

  /** Sum of path lengths and data lengths over all nodes (mntr approximate_data_size). */
  approximateDataSize(): number {
    let n = 0;
    for (const [path, node] of this.nodes.entries()) n += nodeSize(path, node.data);
    return n;
  }

  /** The node's Stat as a client sees it. */
  statOf(node: DataNode, to: Stat = new Stat()): Stat {
    return node.copyStat(to, this.extendedTypesEnabled);
  }

  /**
   * Adds a node. parentCVersion is the parent's new cversion as prep computed it (it also
   * named a sequential node); -1 means "current + 1". The parent's cversion and pzxid
   * only move forward, so replaying a create over a fuzzy snapshot cannot roll them back.
   */
  createNode(
    path: string,
    data: Buffer | null,
    acl: ACL[] | null,
    ephemeralOwner: bigint,
    parentCVersion: number,
    zxid: bigint,
    time: bigint,
    outputStat: Stat | null = null,
  ): void {
    const lastSlash = path.lastIndexOf('/');
    const parentName = path.substring(0, lastSlash);
    const childName = path.substring(lastSlash + 1);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) throw new KeeperException(Code.NONODE);
    // The ACL goes into the cache first so a node replayed over a fuzzy snapshot that
    // already holds it still points at a cached list (ZOOKEEPER-4846, fixed in 3.8.5).
    const aclRef = this.aclCache.convertAcls(acl);
    // As in Java, adding to the parent's child set is the existence check: a lookup of a
    // new path in the whole tree's map always misses, at a few cache misses on a big
    // tree. The digest covers no child names, so adding before preChange is safe.
    if (!parent.addChild(childName)) {
      const existing = this.nodes.get(path);
      if (existing !== undefined) existing.acl = aclRef;
      throw new KeeperException(Code.NODEEXISTS);
    }
    this.nodes.preChange(parentName, parent);
    if (parentCVersion === -1) parentCVersion = parent.stat.cversion + 1;
    if (parentCVersion > parent.stat.cversion) {
      parent.stat.cversion = parentCVersion;
      parent.stat.pzxid = zxid;
    }
    const child = createdNode(data, aclRef, zxid, time, ephemeralOwner);
    this.nodes.postChange(parentName, parent);
    this.nodeDataSize += nodeSize(path, child.data);
    this.nodes.insert(path, child, this.preppedDigest(path, data, child));
    this.ephemerals.add(path, ephemeralOwner);
    if (outputStat !== null) this.statOf(child, outputStat);

    this.quotas.nodeCreated(path, parentName, childName, data);
    this.watches.dataWatches.triggerWatch(path, EventType.NodeCreated, zxid);
    this.watches.childWatches.triggerWatch(watchPathOf(parentName), EventType.NodeChildrenChanged, zxid);
  }

  /**
   * Removes a node. The parent's pzxid moves (forward only) even when the child is
   * already gone, as a fuzzy snapshot replay needs; then NONODE is thrown.
   */
  deleteNode(path: string, zxid: bigint): void {
    const lastSlash = path.lastIndexOf('/');
    const parentName = path.substring(0, lastSlash);
    const childName = path.substring(lastSlash + 1);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) throw new KeeperException(Code.NONODE);
    this.nodes.preChange(parentName, parent);
    parent.removeChild(childName);
    if (zxid > parent.stat.pzxid) parent.stat.pzxid = zxid;
    this.nodes.postChange(parentName, parent);

    const node = this.nodes.get(path);
    if (node === undefined) throw new KeeperException(Code.NONODE);
    this.nodes.remove(path);
    this.aclCache.removeUsage(node.acl);
    this.nodeDataSize -= nodeSize(path, node.data);

    this.ephemerals.remove(path, node.stat.ephemeralOwner);

    this.quotas.nodeDeleted(path, parentName, childName, node.data);
    this.valueArena?.release(node.data);
    const processed = this.watches.dataWatches.triggerWatch(path, EventType.NodeDeleted, zxid);
    this.watches.childWatches.triggerWatch(path, EventType.NodeDeleted, zxid, processed);
    this.watches.childWatches.triggerWatch(watchPathOf(parentName), EventType.NodeChildrenChanged, zxid);
  }

  /** Replaces the data; `version` is the new version prep computed. */
  setData(path: string, data: Buffer | null, version: number, zxid: bigint, time: bigint): Stat {
    const n = this.nodes.get(path);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    const lastData = n.data;
    this.nodes.preChange(path, n);
    n.data = data;
    n.stat.mtime = time;
    n.stat.mzxid = zxid;
    n.stat.version = version;
    const s = this.statOf(n);
    // Before the arena's copy: prep's CRC is found by the txn's own Buffer first.
    this.nodes.postChange(path, n, this.preppedDigest(path, data, n.stat));
    if (this.valueArena !== null) {
      n.data = this.valueArena.adopt(data);
      this.valueArena.release(lastData);
    }
    this.quotas.dataChanged(path, lastData, data);
    this.nodeDataSize += nodeSize(path, data) - nodeSize(path, lastData);
    this.watches.dataWatches.triggerWatch(path, EventType.NodeDataChanged, zxid);
    return s;
  }

  /** The digest of a node a txn just wrote, from prep's CRC of its path and data when there is one. */
  private preppedDigest(path: string, data: Buffer | null, stat: StatPersisted): number | undefined {
    return this.digestEnabled ? takePrecalculatedDigest(this.prepped, path, data, stat) : undefined;
  }

  /** Replaces the ACL; `version` is the new aversion prep computed. */
  setACL(path: string, acl: ACL[] | null, version: number): Stat {
    const n = this.nodes.get(path);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    this.aclCache.removeUsage(n.acl);
    this.nodes.preChange(path, n);
    n.stat.aversion = version;
    n.acl = this.aclCache.convertAcls(acl);
    const s = this.statOf(n);
    this.nodes.postChange(path, n);
    return s;
  }

  /**
   * DataTree.setCversionPzxid: moves a node's cversion (and pzxid with it) forward; -1
   * means "current + 1". Used for a create replayed onto a node that already exists.
   */
  setCversionPzxid(path: string, newCversion: number, zxid: bigint): void {
    if (path.endsWith('/')) path = path.substring(0, path.length - 1);
    const node = this.nodes.get(path);
    if (node === undefined) throw new KeeperException(Code.NONODE, path);
    if (newCversion === -1) newCversion = node.stat.cversion + 1;
    if (newCversion > node.stat.cversion) {
      this.nodes.preChange(path, node);
      node.stat.cversion = newCversion;
      node.stat.pzxid = zxid;
      this.nodes.postChange(path, node);
    }
  }

  /** Data and (into `stat`) the Stat; a watcher gets a data watch if the node exists. */
  getData(path: string, stat: Stat | null, watcher: Watcher | null): Buffer | null {
    const n = this.nodes.get(path);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    if (stat !== null) this.statOf(n, stat);
    if (watcher !== null) this.watches.dataWatches.addWatch(path, watcher);
    return n.data;
  }

  /** exists: the watch is set even when the node is missing (it then waits for NodeCreated). */
  statNode(path: string, watcher: Watcher | null): Stat {
    const n = this.nodes.get(path);
    if (watcher !== null) this.watches.dataWatches.addWatch(path, watcher);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    return this.statOf(n);
  }

  getChildren(path: string, stat: Stat | null, watcher: Watcher | null): string[] {
    const n = this.nodes.get(path);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    if (stat !== null) this.statOf(n, stat);
    const children = [...n.children];
    if (watcher !== null) this.watches.childWatches.addWatch(path, watcher);
    return children;
  }

  /**
   * getChildren for a reply: the node's own frozen name list (DataNode.childNames), not a
   * copy, shared by every reader until the children change.
   */
  getChildNames(path: string, stat: Stat | null, watcher: Watcher | null): readonly string[] {
    const n = this.nodes.get(path);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    if (stat !== null) this.statOf(n, stat);
    const names = n.childNames();
    if (watcher !== null) this.watches.childWatches.addWatch(path, watcher);
    return names;
  }

  /** Number of descendants (all levels); for "/" everything but the two root entries. */
  getAllChildrenNumber(path: string): number {
    if (path === ROOT) return this.nodes.size() - 2;
    const prefix = path + '/';
    let n = 0;
    for (const key of this.nodes.keys()) if (key.startsWith(prefix)) n++;
    return n;
  }

  getACL(path: string, stat: Stat | null): ACL[] {
    const n = this.nodes.get(path);
    if (n === undefined) throw new KeeperException(Code.NONODE);
    if (stat !== null) this.statOf(n, stat);
    return [...(this.aclCache.convertLong(n.acl) ?? [])];
  }

  /** The node's ACL list (shared: do not change it). */
  getACLOfNode(node: DataNode): ACL[] {
    return this.aclCache.convertLong(node.acl) ?? [];
  }

  /**
   * Applies a committed (or replayed) txn: every txn type including multi and error
   * txns. Tree errors land in the result's err, never thrown. With a digest, the tree's
   * digest afterwards is compared with it (a mismatch is counted and logged).
   */
  processTxn(header: TxnHeader, txn: JuteRecord | null, digest: TxnDigest | null = null): ProcessTxnResult {
    const rc = applyTxn(this, header, txn, false);
    this.digests.compareDigest(header, digest, this.getTreeDigest());
    return rc;
  }

  /** Called by applyTxn once a whole (non-sub) txn is in. */
  txnApplied(zxid: bigint): void {
    if (zxid > this.lastProcessedZxid) this.lastProcessedZxid = zxid;
    this.digests.txnApplied(zxid, this.getTreeDigest());
  }

  /** Deletes a session's ephemerals (the ones a closeSession txn names first). */
  killSession(session: bigint, zxid: bigint, paths2DeleteInTxn: readonly string[] | null = null): void {
    killSession(this, session, zxid, paths2DeleteInTxn);
  }

  /** ZooKeeperServer.checkQuota: a no-op unless enforceQuota; throws QUOTAEXCEEDED. */
  checkQuota(path: string, lastData: Buffer | null, data: Buffer | null, type: number): void {
    if (this.enforceQuota) this.quotas.checkQuota(path, lastData, data, type);
  }

  /** The tree digest (Java's signed long; 0 when digests are off). */
  getTreeDigest(): bigint {
    return this.nodes.getDigest();
  }

  /** The tree digest's high uint32 half, for prep's sums (digest-sum.ts). */
  get treeDigestHi(): number {
    return this.nodes.digestHi;
  }

  /** The tree digest's low uint32 half. */
  get treeDigestLo(): number {
    return this.nodes.digestLo;
  }

  /** Java's deserialize: replaces the whole tree with a snapshot's ACL entries and nodes. */
  restore(aclEntries: Iterable<readonly [bigint, ACL[]]>, nodes: Iterable<readonly [string, DataNode]>): void {
    const r = this.beginRestore(aclEntries);
    for (const [path, node] of nodes) r.add(path, node);
    r.finish();
  }

  /** restore, a node at a time: `add` each node in tree order, then `finish`. */
  beginRestore(aclEntries: Iterable<readonly [bigint, ACL[]]>): TreeRestorer {
    // The old tree's values stay with the old arena (readers still holding one keep its slab).
    if (this.valueArena !== null) this.valueArena = new ZnodeValueArena();
    return new TreeRestorer(this, aclEntries, () => (this.nodeDataSize = this.approximateDataSize()));
  }
}
