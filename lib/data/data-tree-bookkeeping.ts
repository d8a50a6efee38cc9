import type { Logger } from '../core/logger';
import { silentLogger } from '../core/logger';
import { ReferenceCountedACLCache } from './acl-cache';
import type { DataNode } from './data-node';
import { DataTreeDigests } from './data-tree-digest';
import { DataTreeEphemerals } from './data-tree-ephemerals';
import { DataTreeQuotas } from './data-tree-quota';
import { nodesInTreeOrder } from './data-tree-snapshot';
import { DataTreeWatches } from './data-tree-watches';
import { NodeHashMap } from './node-hash-map';
import { ZnodeValueArena } from './znode-value-arena';
import type { Watcher } from './watcher';

export interface DataTreeOptions {
  /** zookeeper.extendedTypesEnabled: TTL nodes exist (and session ids leave the top byte). */
  extendedTypesEnabled?: boolean;
  /** zookeeper.digest.enabled (default true, as in 3.8): keep the tree digest. */
  digestEnabled?: boolean;
  /** zookeeper.enforceQuota (default false): checkQuota throws on hard limits. */
  enforceQuota?: boolean;
  /**
   * zoolab.valueArena (default true): keep values set by setData in a ZnodeValueArena,
   * recycled on overwrite and delete, rather than one Buffer each (see znode-value-arena.ts).
   */
  valueArena?: boolean;
  logger?: Logger;
}

/**
 * The state a DataTree keeps around its znodes — the node map, the ACL cache, ephemerals
 * per session, quotas, the digest log and the watch managers — and the queries and
 * calls that go straight to one of them. DataTree adds the znode operations (and the
 * lookups every request makes) on top.
 */
export abstract class DataTreeBookkeeping {
  readonly extendedTypesEnabled: boolean;
  /** Where node values live; null keeps each value in the Buffer it came in. */
  valueArena: ZnodeValueArena | null;
  readonly digestEnabled: boolean;
  /** Whether checkQuota enforces; the request processors may flip it from config. */
  enforceQuota: boolean;
  readonly log: Logger;
  /** The highest zxid applied (whole multis only). */
  lastProcessedZxid = 0n;

  readonly aclCache: ReferenceCountedACLCache;
  /** The data and child watch managers and what clients do with them. */
  readonly watches: DataTreeWatches;
  readonly quotas: DataTreeQuotas;
  /** path → node; change nodes only through DataTree's methods (they keep the digest). */
  readonly nodes: NodeHashMap;
  /** Ephemerals per session, containers, TTL nodes. */
  readonly ephemerals: DataTreeEphemerals;
  /** DataTree.approximateDataSize() kept up to date by the znode operations. */
  protected nodeDataSize = 0;

  /** Digest bookkeeping: last digest, digest log, mismatches. */
  readonly digests: DataTreeDigests;

  constructor(opts: DataTreeOptions) {
    this.extendedTypesEnabled = opts.extendedTypesEnabled ?? false;
    this.digestEnabled = opts.digestEnabled ?? true;
    this.enforceQuota = opts.enforceQuota ?? false;
    this.log = opts.logger ?? silentLogger;
    this.aclCache = new ReferenceCountedACLCache(this.log);
    this.nodes = new NodeHashMap(this.digestEnabled);
    this.valueArena = (opts.valueArena ?? true) ? new ZnodeValueArena() : null;
    this.quotas = new DataTreeQuotas(this.nodes, this.log, (old) => this.valueArena?.release(old));
    this.digests = new DataTreeDigests(this.digestEnabled, this.log);
    this.watches = new DataTreeWatches((path) => this.nodes.get(path));
    this.ephemerals = new DataTreeEphemerals(this.extendedTypesEnabled);
  }

  /** Entries in the node map, the root counted twice ("" and "/"), as Java's getNodeCount. */
  getNodeCount(): number {
    return this.nodes.size();
  }

  getEphemeralsCount(): number {
    return this.ephemerals.count();
  }

  /** approximateDataSize() kept up to date incrementally. */
  cachedApproximateDataSize(): number {
    return this.nodeDataSize;
  }

  /** A copy of the session's ephemeral paths (empty when it has none). */
  getEphemerals(sessionId: bigint): Set<string> {
    return this.ephemerals.getEphemerals(sessionId);
  }

  /** A copy of the whole map, session → ephemeral paths. */
  getEphemeralsMap(): Map<bigint, Set<string>> {
    return this.ephemerals.getEphemeralsMap();
  }

  /** Sessions that own (or owned: the set may be empty) ephemeral nodes. */
  getSessions(): bigint[] {
    return this.ephemerals.getSessions();
  }

  getContainers(): Set<string> {
    return this.ephemerals.getContainers();
  }

  getTtls(): Set<string> {
    return this.ephemerals.getTtls();
  }

  /** dump's "Sessions with Ephemerals" section. */
  dumpEphemerals(): string {
    return this.ephemerals.dump();
  }

  aclCacheSize(): number {
    return this.aclCache.size();
  }

  getMaxPrefixWithQuota(path: string): string | null {
    return this.quotas.getMaxPrefixWithQuota(path);
  }

  /** The check against the quota on lastPrefix, regardless of enforceQuota. */
  checkQuotaLimit(lastPrefix: string, bytesDiff: bigint, countDiff: bigint): void {
    this.quotas.checkQuotaLimit(lastPrefix, bytesDiff, countDiff);
  }

  /** addWatch (PERSISTENT / PERSISTENT_RECURSIVE, AddWatchMode numbering). */
  addWatch(basePath: string, watcher: Watcher, mode: number): void {
    this.watches.addWatch(basePath, watcher, mode);
  }

  /**
   * setWatches after a reconnect: fires what the client missed since relativeZxid. The
   * arguments are DataTreeWatches.setWatches'; once per reconnect, the spread costs nothing.
   */
  setWatches(...args: Parameters<DataTreeWatches['setWatches']>): void {
    this.watches.setWatches(...args);
  }

  /** checkWatches: type is Watcher.WatcherType (Children 1, Data 2, Any 3). */
  containsWatcher(path: string, type: number, watcher: Watcher): boolean {
    return this.watches.containsWatcher(path, type, watcher);
  }

  /** removeWatches: true when something was removed (else the server answers NOWATCHER). */
  removeWatch(path: string, type: number, watcher: Watcher): boolean {
    return this.watches.removeWatch(path, type, watcher);
  }

  /** A closed connection: drop all its watches. */
  removeCnxn(watcher: Watcher): void {
    this.watches.removeCnxn(watcher);
  }

  getWatchCount(): number {
    return this.watches.getWatchCount();
  }

  /** The nodes in snapshot order: the root as "", then depth first. */
  nodesInTreeOrder(): Generator<[string, DataNode]> {
    return nodesInTreeOrder((path) => this.nodes.get(path));
  }
}
