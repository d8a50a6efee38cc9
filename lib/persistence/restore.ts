import type { MutableMap } from '../core/renewing-collections';
import type { Logger } from '../core/logger';
import { silentLogger } from '../core/logger';
import type { DataTree } from '../data/data-tree';
import { CreateSessionTxn } from '../jute/records/txn';
import { OpCode } from '../protocol/op-code';
import type { SavedSnapshot, SnapshotInfo, SnapshotStore } from './snapshot-store';
import type { TxnEntry, TxnLog } from './txn-log';

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);

/** Restore cannot produce a tree that is safe to serve from; the server must not start. */
export class RestoreError extends Error {
  override name = 'RestoreError';
}

/** FileTxnSnapLog.EMPTY_SNAPSHOT_WARNING */
export const EMPTY_SNAPSHOT_WARNING = 'No snapshot found, but there are log entries. ';

export interface RestoreOptions {
  snapshots: SnapshotStore;
  txnLog: TxnLog;
  /** A fresh tree to fill (its options — digests, extended types — are kept). */
  tree: DataTree;
  /** Filled with the sessions and timeouts: the snapshot's, then the log's creates and closes. */
  sessions: MutableMap<bigint, number>;
  /**
   * zookeeper.snapshot.trust.empty (default false): replay a log that has no snapshot
   * (a data dir from before 3.5.3). Without it that is an error, since a missing snapshot
   * more likely means lost data.
   */
  trustEmptySnapshot?: boolean;
  /**
   * zookeeper.db.autocreate (default true): with neither snapshot nor log, start empty at
   * zxid 0 and save snapshot.0 so the next start finds a snapshot. When false, the
   * result's zxid is -1 ("possibly missing data") and nothing is written.
   */
  autoCreateDB?: boolean;
  /** Snapshots tried before giving up (FileSnap reads at most 100). */
  maxSnapshotsToTry?: number;
  /** Time source for the timings in the result (mntr's startup_* metrics); default none (0). */
  now?: () => number;
  /** PlayBackListener.onTxnLoaded: each txn after it was applied. */
  onTxnLoaded?: (entry: TxnEntry) => void;
  logger?: Logger;
}

export interface RestoreResult {
  /** The zxid of the last txn applied (the snapshot's when none was): the server's zxid. */
  lastProcessedZxid: bigint;
  /** The snapshot the tree started from; null when there was none. */
  snapshot: SnapshotInfo | null;
  /** Newer snapshots that could not be read, newest first, with why. */
  skipped: Array<{ info: SnapshotInfo; error: Error }>;
  txnsLoaded: number;
  /** snapshot.0, when an empty database was created. */
  initialSnapshot: SavedSnapshot | null;
  /** Milliseconds loading the snapshot, and replaying the log after it (by `now`); null when no log was replayed (a new database). */
  snapLoadMs: number;
  txnsLoadMs: number | null;
}

/**
 * FileTxnSnapLog.restore: loads the newest snapshot that reads back intact (a truncated
 * or corrupt newer one is skipped with a warning, as FileSnap.deserialize does), then
 * replays every logged txn after its zxid through DataTree.processTxn, keeping
 * `sessions` in step with createSession / closeSession. Txns that fail against a fuzzy
 * snapshot (a create of a node it already holds) fail harmlessly, as in Java.
 */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.logger ?? silentLogger;
  const { tree, sessions, snapshots, txnLog } = opts;
  const result: RestoreResult = { lastProcessedZxid: 0n, snapshot: null, skipped: [], txnsLoaded: 0, initialSnapshot: null, snapLoadMs: 0, txnsLoadMs: null };
  const now = opts.now ?? (() => 0);
  const snapStart = now();

  const candidates = (await snapshots.list()).slice(0, opts.maxSnapshotsToTry ?? 100);
  for (const info of candidates) {
    log.info(`Reading snapshot ${info.name}`);
    try {
      await snapshots.load(info, tree, sessions);
      result.snapshot = info;
      break;
    } catch (e) {
      const error = e as Error;
      log.warn({ err: error }, `problem reading snap file ${info.name}`);
      result.skipped.push({ info, error });
    }
  }
  result.snapLoadMs = now() - snapStart;
  if (candidates.length > 0 && result.snapshot === null) {
    throw new RestoreError(
      `Not able to find valid snapshots: all ${candidates.length} failed to load` +
        ` (newest ${candidates[0].name}: ${result.skipped[0].error.message})`,
    );
  }

  if (result.snapshot === null) {
    if (txnLog.lastLoggedZxid() !== 0n) {
      if (!opts.trustEmptySnapshot) throw new RestoreError(`${EMPTY_SNAPSHOT_WARNING}Something is broken!`);
      log.warn(`${EMPTY_SNAPSHOT_WARNING}This should only be allowed during upgrading.`);
    } else if (opts.autoCreateDB ?? true) {
      result.initialSnapshot = await snapshots.save(tree, sessions);
      return result;
    } else {
      log.warn('Unexpected empty data tree, setting zxid to -1');
      tree.lastProcessedZxid = -1n;
      result.lastProcessedZxid = -1n;
      return result;
    }
  }

  const txnsStart = now();
  const { highestZxid, loaded } = await fastForwardFromEdits(opts, log);
  result.txnsLoadMs = now() - txnsStart;
  result.lastProcessedZxid = highestZxid;
  result.txnsLoaded = loaded;
  const pending = tree.digests.digestFromLoadedSnapshot;
  if (pending !== null) {
    log.warn(
      `Highest txn zxid 0x${hex(highestZxid)} is not covering the snapshot digest zxid 0x${hex(pending.zxid)}, ` +
        'which might lead to inconsistent state',
    );
  }
  return result;
}

/**
 * FileTxnSnapLog.processTransaction: one logged txn into the tree, the sessions map kept
 * in step with createSession / closeSession.
 */
export function applyLoggedTxn(tree: DataTree, sessions: MutableMap<bigint, number>, e: TxnEntry): void {
  const { hdr } = e;
  if (hdr.type === OpCode.createSession) {
    if (!(e.txn instanceof CreateSessionTxn)) throw new RestoreError(`createSession txn 0x${hex(hdr.zxid)} has no timeout`);
    sessions.set(hdr.clientId, e.txn.timeOut);
  } else if (hdr.type === OpCode.closeSession) {
    sessions.delete(hdr.clientId);
  }
  tree.processTxn(hdr, e.txn, e.digest ?? null);
}

/** FileTxnSnapLog.fastForwardFromEdits. */
async function fastForwardFromEdits(opts: RestoreOptions, log: Logger): Promise<{ highestZxid: bigint; loaded: number }> {
  const { tree, sessions } = opts;
  const start = tree.lastProcessedZxid;
  let highestZxid = start;
  let loaded = 0;
  for await (const e of opts.txnLog.read(start)) {
    const { hdr } = e;
    if (loaded === 0 && start > 0n && hdr.zxid > start + 1n && hdr.zxid >> 32n === start >> 32n) {
      // Within one epoch zxids are consecutive: txns after the snapshot are missing.
      log.warn(`txn log continues at 0x${hex(hdr.zxid)} after the snapshot at 0x${hex(start)}: txns in between are missing`);
    }
    if (hdr.zxid < highestZxid && highestZxid !== 0n) {
      log.error(`${highestZxid}(highestZxid) > ${hdr.zxid}(next log) for type ${hdr.type}`);
    } else {
      highestZxid = hdr.zxid;
    }
    applyLoggedTxn(tree, sessions, e);
    loaded++;
    opts.onTxnLoaded?.(e);
  }
  log.info(`${loaded} txns loaded`);
  return { highestZxid, loaded };
}
