import type { Logger } from '../core/logger';
import { RenewingMap } from '../core/renewing-collections';
import { DataTree, type DataTreeOptions, type ProcessTxnResult } from '../data/data-tree';
import type { Watcher } from '../data/watcher';
import { CreateSessionTxn, type TxnDigest, type TxnHeader } from '../jute/records/txn';
import type { JuteRecord } from '../jute/types';
import { restore, type RestoreResult } from '../persistence/restore';
import type { SavedSnapshot, SnapshotCheckpoint, SnapshotStore } from '../persistence/snapshot-store';
import type { TxnLog } from '../persistence/txn-log';
import { OpCode } from '../protocol/op-code';
import type { Request } from './request';

/** How the database finds and keeps its snapshots (FileTxnSnapLog's snapshot half). */
export interface ZKDatabaseStorage {
  /** Without a store the whole log is replayed and no snapshot is ever taken. */
  snapshots?: SnapshotStore | null;
  /** zookeeper.snapshot.trust.empty: replay a log that has no snapshot (default false). */
  trustEmptySnapshot?: boolean;
  /** zookeeper.db.autocreate: start empty when there is neither snapshot nor log (default true). */
  autoCreateDB?: boolean;
  /** The clock restore is timed by (lastRestore's snapLoadMs / txnsLoadMs). */
  now?: () => number;
}

/** Restore found something it cannot apply; the server must not start on a partial tree. */
export class DatabaseRestoreError extends Error {
  override name = 'DatabaseRestoreError';
}

/** The zoo.cfg switches the tree itself reads (ZooKeeperServer's system properties in Java). */
export function treeOptionsOf(
  c: { extendedTypesEnabled: boolean; digestEnabled: boolean; enforceQuota: boolean; valueArena: boolean },
  logger: Logger,
): DataTreeOptions {
  return {
    extendedTypesEnabled: c.extendedTypesEnabled,
    digestEnabled: c.digestEnabled,
    enforceQuota: c.enforceQuota,
    valueArena: c.valueArena,
    logger,
  };
}

/**
 * ZooKeeper's ZKDatabase: the DataTree, the committed sessions and their timeouts, and
 * the TxnLog and SnapshotStore behind them. Restore loads the newest snapshot that reads
 * back and replays the log after it (lib/persistence/restore.ts).
 */
export class ZKDatabase {
  dataTree: DataTree;
  /** Committed sessions → timeout; the session tracker shares this map. */
  /** Renewing: a session per connect passes through it (see renewing-collections.ts). */
  readonly sessionsWithTimeouts = new RenewingMap<bigint, number>();
  readonly snapshots: SnapshotStore | null;
  /** What the last restore found (null before one, or without a snapshot store). */
  lastRestore: RestoreResult | null = null;
  private initialized = false;

  constructor(
    readonly txnLog: TxnLog,
    private readonly treeOptions: DataTreeOptions,
    private readonly log: Logger,
    private readonly storage: ZKDatabaseStorage = {},
  ) {
    this.dataTree = new DataTree(treeOptions);
    this.snapshots = storage.snapshots ?? null;
  }

  isInitialized(): boolean {
    return this.initialized;
  }

  /** ZKDatabase.deserializeSnapshot's `initialized = true`: a learner took the leader's snapshot. */
  markInitialized(): void {
    this.initialized = true;
  }

  get lastProcessedZxid(): bigint {
    return this.dataTree.lastProcessedZxid;
  }

  /**
   * ZKDatabase.loadDataBase: the newest valid snapshot, then the log after it
   * (FileTxnSnapLog.restore); session txns also rebuild sessionsWithTimeouts. Returns the
   * last zxid applied. Throws (RestoreError, TxnLogCorruptError …) rather than start on a
   * tree that may be missing acknowledged txns.
   */
  async loadDataBase(): Promise<bigint> {
    if (!this.snapshots) return this.replayWholeLog();
    const result = await restore({
      snapshots: this.snapshots,
      txnLog: this.txnLog,
      tree: this.dataTree,
      sessions: this.sessionsWithTimeouts,
      trustEmptySnapshot: this.storage.trustEmptySnapshot,
      autoCreateDB: this.storage.autoCreateDB,
      now: this.storage.now,
      logger: this.log,
    });
    this.lastRestore = result;
    this.initialized = true;
    this.log.info(
      {
        snapshot: result.snapshot?.name ?? null,
        skipped: result.skipped.map((s) => s.info.name),
        txns: result.txnsLoaded,
        lastZxid: `0x${result.lastProcessedZxid.toString(16)}`,
      },
      'restored database',
    );
    return result.lastProcessedZxid;
  }

  /** Without snapshots: every logged txn, from the first. */
  private async replayWholeLog(): Promise<bigint> {
    let count = 0;
    let last = this.dataTree.lastProcessedZxid;
    for await (const e of this.txnLog.read(last)) {
      if (e.hdr.zxid <= last) {
        throw new DatabaseRestoreError(
          `txn log out of order: 0x${e.hdr.zxid.toString(16)} after 0x${last.toString(16)}`,
        );
      }
      if (e.hdr.type === OpCode.createSession && e.txn instanceof CreateSessionTxn) {
        this.sessionsWithTimeouts.set(e.hdr.clientId, e.txn.timeOut);
      } else if (e.hdr.type === OpCode.closeSession) {
        this.sessionsWithTimeouts.delete(e.hdr.clientId);
      }
      this.dataTree.processTxn(e.hdr, e.txn, e.digest ?? null);
      last = e.hdr.zxid;
      count++;
    }
    this.initialized = true;
    this.log.info({ txns: count, lastZxid: `0x${last.toString(16)}` }, 'restored database from the txn log');
    return last;
  }

  processTxn(hdr: TxnHeader, txn: JuteRecord | null, digest: TxnDigest | null): ProcessTxnResult {
    return this.dataTree.processTxn(hdr, txn, digest);
  }

  /** Queues a txn for the log; false for a request without one (a read). */
  append(r: Request): boolean {
    if (r.hdr === null) return false;
    this.txnLog.append({ hdr: r.hdr, txn: r.txn, digest: r.digest });
    return true;
  }

  commit(): Promise<void> {
    return this.txnLog.commit();
  }

  /** ZKDatabase.rollLog: the next txn starts a new log file, so purge can drop older files once snapshots cover them. */
  rollLog(): void {
    this.txnLog.rollLog();
  }

  /**
   * FileTxnSnapLog.save: a snapshot of the tree and sessions as they are now, named for
   * the tree's last applied zxid. The tree may change while it is written (fuzzy): the
   * log replayed from its zxid makes it good. null without a snapshot store.
   */
  takeSnapshot(sync = false): Promise<SavedSnapshot> | null {
    return this.snapshots ? this.snapshots.save(this.dataTree, this.sessionsWithTimeouts, { sync }) : null;
  }

  /**
   * A snapshot at the tree's current zxid, made from what is durable by the store off
   * this thread (SnapshotStore.saveFromLog) when it can, else — and when that fails — of
   * the live tree. Only for a server that applies a txn after its commit (standalone).
   */
  takeSnapshotFromLog(): Promise<SavedSnapshot> | null {
    const store = this.snapshots;
    if (!store?.saveFromLog) return this.takeSnapshot();
    const t = this.dataTree;
    const at: SnapshotCheckpoint = {
      zxid: t.lastProcessedZxid,
      digest: t.digestEnabled ? t.getTreeDigest() : null,
      nodeCount: t.getNodeCount(),
      sessionCount: this.sessionsWithTimeouts.size,
      treeOptions: { extendedTypesEnabled: this.treeOptions.extendedTypesEnabled, digestEnabled: this.treeOptions.digestEnabled },
    };
    return store.saveFromLog(at).catch((err: unknown) => {
      this.log.warn({ err }, 'snapshot from the log failed; snapshotting the live tree instead');
      return this.takeSnapshot()!;
    });
  }

  /** Waits for a snapshot being written, then closes the log. */
  async close(): Promise<void> {
    try {
      await this.snapshots?.close();
    } finally {
      await this.txnLog.close();
    }
  }

  killSession(sessionId: bigint, zxid: bigint): void {
    this.dataTree.killSession(sessionId, zxid);
  }

  /** Sessions that own ephemerals. */
  getSessions(): bigint[] {
    return this.dataTree.getSessions();
  }

  removeCnxn(watcher: Watcher): void {
    this.dataTree.removeCnxn(watcher);
  }

  clear(): void {
    this.replaceTree(this.newTree());
  }

  /** An empty tree with this database's options, to restore a snapshot into aside (a learner's SNAP). */
  newTree(): DataTree {
    return new DataTree(this.treeOptions);
  }

  /** clear, with `tree` (from newTree, restored) in place of an empty one. */
  replaceTree(tree: DataTree): void {
    this.lastRestore = null;
    this.dataTree = tree;
    this.sessionsWithTimeouts.clear();
    this.initialized = false;
  }
}
