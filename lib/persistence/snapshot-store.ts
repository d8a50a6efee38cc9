import type { MutableMap } from '../core/renewing-collections';
import { token } from '../core/token';
import type { DataTree } from '../data/data-tree';
import type { ZxidDigest } from '../data/data-tree-digest';
import type { SnapshotCompression } from './snapshot-names';

/** One stored snapshot, as a listing names it (nothing is read or checked to list it). */
export interface SnapshotInfo {
  /** The tree's lastProcessedZxid when the snapshot was started (the zxid in its name). */
  readonly zxid: bigint;
  /** Its name in the store: snapshot.<hex zxid>[.gz|.snappy] for files. */
  readonly name: string;
  readonly compression: SnapshotCompression;
}

/** What `save` wrote. */
export interface SavedSnapshot extends SnapshotInfo {
  /** Bytes stored (after compression). */
  readonly size: number;
  /** Bytes before compression. */
  readonly rawSize: number;
  readonly nodes: number;
  readonly sessions: number;
}

/** What `load` put into the tree. */
export interface LoadedSnapshot {
  readonly info: SnapshotInfo;
  readonly nodes: number;
  readonly sessions: number;
  /** The snapshot's digest trailer when it names a zxid at or after the snapshot's. */
  readonly digest: ZxidDigest | null;
}

/**
 * The live tree at the moment a snapshot is asked of the log (SnapshotStore.saveFromLog):
 * the zxid it had applied, and what the snapshot's tree must match at that zxid.
 */
export interface SnapshotCheckpoint {
  readonly zxid: bigint;
  /** The tree digest, when digests are kept. */
  readonly digest: bigint | null;
  /** DataTree.getNodeCount. */
  readonly nodeCount: number;
  readonly sessionCount: number;
  /** How the live tree was made (a rebuilt one must compute digests the same way). */
  readonly treeOptions: { readonly extendedTypesEnabled?: boolean; readonly digestEnabled?: boolean };
  /** Sync the file before resolving even when the store would not. */
  readonly sync?: boolean;
}

/** saveFromLog rebuilt a tree that does not match the live one; nothing was written. */
export class SnapshotCheckpointMismatchError extends Error {
  override name = 'SnapshotCheckpointMismatchError';
}

export interface SaveOptions {
  /** FileTxnSnapLog.save's syncSnap: fsync before returning even when the store would not. */
  sync?: boolean;
}

/**
 * Where snapshots live (ZooKeeper's SnapShot / FileSnap). A snapshot is the sessions with
 * their timeouts and the whole DataTree (ACL cache included) at the zxid the tree had
 * applied when it started; it may be fuzzy (txns applied while it was written), which
 * restore makes good by replaying the log from that zxid. Implementations: storage-file
 * (ZooKeeper 3.8's snapshot files) and storage-memory.
 */
export interface SnapshotStore {
  /**
   * Writes a snapshot of `tree` and `sessions` named after tree.lastProcessedZxid. The
   * tree may go on changing while the returned promise is pending (the file store lets
   * the event loop run between chunks); one save runs at a time, later ones wait.
   */
  save(tree: DataTree, sessions: ReadonlyMap<bigint, number>, opts?: SaveOptions): Promise<SavedSnapshot>;
  /**
   * Optional: the snapshot at `at.zxid`, made elsewhere than on the caller's thread from
   * what is already durable — the newest snapshot at or before it plus the log up to
   * it — and checked against `at` before it is written. Only for a caller whose every
   * applied txn is already in the log (a standalone server: it applies after the commit).
   * Rejects when it cannot (SnapshotCheckpointMismatchError when the rebuilt tree differs);
   * the caller then saves the live tree instead. Runs in line with `save`.
   */
  saveFromLog?(at: SnapshotCheckpoint): Promise<SavedSnapshot>;
  /** Every snapshot by name, newest (highest zxid) first; none is validated. */
  list(): Promise<SnapshotInfo[]>;
  /**
   * Replaces the contents of `tree` and `sessions` with the snapshot's and sets
   * tree.lastProcessedZxid to its zxid. A snapshot that is truncated, corrupt or not a
   * snapshot throws (SnapshotFormatError for bad bytes) before `sessions` is touched;
   * `tree` may then hold part of it, and the next load replaces that entirely.
   */
  load(info: SnapshotInfo, tree: DataTree, sessions: MutableMap<bigint, number>): Promise<LoadedSnapshot>;
  /** Deletes one snapshot (purge). */
  remove(info: SnapshotInfo): Promise<void>;
  /** FileSnap.getLastSnapshotInfo: the snapshot last saved or loaded, null before any. */
  lastSnapshotInfo(): SnapshotInfo | null;
  /** Waits for a save in progress; later saves fail. */
  close(): Promise<void>;
  /** Bytes in the snapshot directory (ZooKeeperServer.getDataDirSize); absent for a store with no directory. */
  sizeOnDisk?(): number;
}

export const SNAPSHOT_STORE = token<SnapshotStore>('SnapshotStore');

/** A save on a store that was closed. */
export class SnapshotStoreClosedError extends Error {
  override name = 'SnapshotStoreClosedError';
}

/** Newest first: by zxid, then by name so the order is total. */
export function compareNewestFirst(a: SnapshotInfo, b: SnapshotInfo): number {
  if (a.zxid !== b.zxid) return a.zxid > b.zxid ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
