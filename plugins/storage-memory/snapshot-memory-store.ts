import type { MutableMap } from '../../lib/core/renewing-collections';
import type { DataTree } from '../../lib/data/data-tree';
import { parseSnapshot } from '../../lib/persistence/snapshot-format';
import { applySnapshot } from '../../lib/persistence/snapshot-load';
import { makeSnapshotName } from '../../lib/persistence/snapshot-names';
import { serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import {
  compareNewestFirst,
  SnapshotStoreClosedError,
  type LoadedSnapshot,
  type SavedSnapshot,
  type SnapshotInfo,
  type SnapshotStore,
} from '../../lib/persistence/snapshot-store';

interface Stored {
  info: SnapshotInfo;
  bytes: Buffer;
}

/**
 * Snapshots kept in memory, in ZooKeeper's snapshot format (uncompressed), so a loaded
 * tree shares nothing with the one saved and a test can damage the bytes as a disk would.
 * A save serializes the whole tree at once: in a simulation nothing runs meanwhile, so
 * the snapshot is never fuzzy here and the run stays deterministic.
 */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly stored = new Map<string, Stored>();
  private last: SnapshotInfo | null = null;
  private closed = false;

  async save(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Promise<SavedSnapshot> {
    if (this.closed) throw new SnapshotStoreClosedError('snapshot store is closed');
    const { zxid, bytes, summary } = serializeSnapshotToBuffer(tree, sessions);
    const info: SnapshotInfo = { zxid, name: makeSnapshotName(zxid), compression: 'none' };
    this.stored.set(info.name, { info, bytes });
    this.last = info;
    return { ...info, size: bytes.length, rawSize: bytes.length, nodes: summary.nodes, sessions: summary.sessions };
  }

  async list(): Promise<SnapshotInfo[]> {
    return [...this.stored.values()].map((s) => s.info).sort(compareNewestFirst);
  }

  async load(info: SnapshotInfo, tree: DataTree, sessions: MutableMap<bigint, number>): Promise<LoadedSnapshot> {
    const s = this.stored.get(info.name);
    if (s === undefined) throw new Error(`no snapshot ${info.name}`);
    const parsed = parseSnapshot(s.bytes, { digestEnabled: tree.digestEnabled, source: info.name });
    const counts = { nodes: parsed.nodes.length, sessions: parsed.sessions.length };
    const digest = applySnapshot(parsed, info.zxid, tree, sessions);
    this.last = info;
    return { info, ...counts, digest };
  }

  async remove(info: SnapshotInfo): Promise<void> {
    this.stored.delete(info.name);
  }

  lastSnapshotInfo(): SnapshotInfo | null {
    return this.last;
  }

  /** The stored bytes of a snapshot, for tests that corrupt or inspect them. */
  bytes(name: string): Buffer | undefined {
    return this.stored.get(name)?.bytes;
  }

  /** Replaces a snapshot's bytes (a torn or corrupted write). */
  setBytes(name: string, bytes: Buffer): void {
    const s = this.stored.get(name);
    if (s === undefined) throw new Error(`no snapshot ${name}`);
    s.bytes = bytes;
  }

  /** Reopens after close, as a restarted server reopening its data directory. */
  reopen(): this {
    this.closed = false;
    return this;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
