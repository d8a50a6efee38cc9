import type { Logger } from '../core/logger';
import { DataTree, type DataTreeOptions, type ProcessTxnResult } from '../data/data-tree';
import type { Watcher } from '../data/watcher';
import { CreateSessionTxn, type TxnDigest, type TxnHeader } from '../jute/records/txn';
import type { JuteRecord } from '../jute/types';
import type { TxnLog } from '../persistence/txn-log';
import { OpCode } from '../protocol';
import type { Request } from './request';

/** Restore found something it cannot apply; the server must not start on a partial tree. */
export class DatabaseRestoreError extends Error {
  override name = 'DatabaseRestoreError';
}

/**
 * ZooKeeper's ZKDatabase: the DataTree, the committed sessions and their timeouts, and
 * the TxnLog behind them. Restore replays the log into a fresh tree (snapshots are a
 * later issue: until then the whole log is replayed).
 */
export class ZKDatabase {
  dataTree: DataTree;
  /** Committed sessions → timeout; the session tracker shares this map. */
  readonly sessionsWithTimeouts = new Map<bigint, number>();
  private initialized = false;

  constructor(
    readonly txnLog: TxnLog,
    private readonly treeOptions: DataTreeOptions,
    private readonly log: Logger,
  ) {
    this.dataTree = new DataTree(treeOptions);
  }

  isInitialized(): boolean {
    return this.initialized;
  }

  get lastProcessedZxid(): bigint {
    return this.dataTree.lastProcessedZxid;
  }

  /**
   * Replays the log into the tree (FileTxnSnapLog.restore / processTransaction): session
   * txns also rebuild sessionsWithTimeouts. Returns the last zxid applied.
   */
  async loadDataBase(): Promise<bigint> {
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
    this.dataTree = new DataTree(this.treeOptions);
    this.sessionsWithTimeouts.clear();
    this.initialized = false;
  }
}
