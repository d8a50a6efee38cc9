import { DataTree } from '../../lib/data/data-tree';
import type { FileIO } from '../../lib/persistence/file-io';
import { applyLoggedTxn } from '../../lib/persistence/restore';
import {
  SnapshotCheckpointMismatchError,
  type SavedSnapshot,
  type SnapshotCheckpoint,
  type SnapshotStore,
} from '../../lib/persistence/snapshot-store';
import { readTxnLog } from './file-txn-iterator';

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);

interface Rebuilt {
  tree: DataTree;
  sessions: Map<bigint, number>;
  /** The zxid the tree is at: the snapshot's, then each txn's as it is applied. */
  zxid: bigint;
  /** The tree options it was made with, as a key. */
  options: string;
}

/**
 * Writes snapshots from what is durable instead of from the live tree: it keeps a tree of
 * its own, starting from the newest snapshot at or before the first zxid asked for, and
 * brings it forward by replaying the txn log up to each zxid asked for. Before a snapshot
 * is written the tree is checked against the live one at that zxid (node count, sessions,
 * and the tree digest when digests are on); on any mismatch nothing is written, the tree
 * is dropped (the next call starts from a snapshot again) and the caller is told.
 *
 * It runs in a worker thread (snapshot-worker.ts), which is the point: serializing a
 * large tree costs the server's one event loop most of a second per snapshot, where Java
 * snapshots from a thread of its own. The price is a second copy of the tree in memory.
 */
export class LogCheckpointer {
  private state: Rebuilt | null = null;

  constructor(
    private readonly store: SnapshotStore,
    private readonly io: FileIO,
    private readonly logDir: string,
    private readonly maxEntrySize?: number,
  ) {}

  /** The zxid of the tree kept between calls; null when there is none. */
  get zxid(): bigint | null {
    return this.state?.zxid ?? null;
  }

  async save(at: SnapshotCheckpoint): Promise<SavedSnapshot> {
    try {
      const s = await this.bringTo(at);
      this.check(s, at);
      return await this.store.save(s.tree, s.sessions, { sync: at.sync });
    } catch (e) {
      this.state = null;
      throw e;
    }
  }

  private async bringTo(at: SnapshotCheckpoint): Promise<Rebuilt> {
    const options = JSON.stringify(at.treeOptions);
    let s = this.state;
    if (s === null || s.zxid > at.zxid || s.options !== options) s = this.state = await this.load(at, options);
    if (s.zxid < at.zxid) {
      for await (const e of readTxnLog(this.io, this.logDir, s.zxid, { maxEntrySize: this.maxEntrySize })) {
        // Stop at the zxid: what follows may be an entry still being written.
        if (e.hdr.zxid > at.zxid) break;
        applyLoggedTxn(s.tree, s.sessions, e);
        s.zxid = e.hdr.zxid;
        if (s.zxid === at.zxid) break;
      }
    }
    if (s.zxid !== at.zxid) {
      throw new SnapshotCheckpointMismatchError(`the log ends at 0x${hex(s.zxid)}, before the snapshot's zxid 0x${hex(at.zxid)}`);
    }
    return s;
  }

  /** The newest snapshot at or before the zxid that loads. */
  private async load(at: SnapshotCheckpoint, options: string): Promise<Rebuilt> {
    const errors: string[] = [];
    for (const info of await this.store.list()) {
      if (info.zxid > at.zxid) continue;
      const tree = new DataTree(at.treeOptions);
      const sessions = new Map<bigint, number>();
      try {
        await this.store.load(info, tree, sessions);
        return { tree, sessions, zxid: info.zxid, options };
      } catch (e) {
        errors.push(`${info.name}: ${(e as Error).message}`);
      }
    }
    throw new SnapshotCheckpointMismatchError(
      `no snapshot at or before 0x${hex(at.zxid)} loads${errors.length ? ` (${errors.join('; ')})` : ''}`,
    );
  }

  private check(s: Rebuilt, at: SnapshotCheckpoint): void {
    const differ: string[] = [];
    if (s.tree.getNodeCount() !== at.nodeCount) differ.push(`${s.tree.getNodeCount()} nodes, live tree ${at.nodeCount}`);
    if (s.sessions.size !== at.sessionCount) differ.push(`${s.sessions.size} sessions, live ${at.sessionCount}`);
    if (at.digest !== null && s.tree.getTreeDigest() !== at.digest) {
      differ.push(`digest ${hex(s.tree.getTreeDigest())}, live ${hex(at.digest)}`);
    }
    if (differ.length) {
      throw new SnapshotCheckpointMismatchError(`tree rebuilt at 0x${hex(at.zxid)} differs from the live one: ${differ.join(', ')}`);
    }
  }
}
