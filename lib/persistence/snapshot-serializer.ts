import type { DataTree } from '../data/data-tree';
import { DIGEST_VERSION } from '../data/digest-calculator';
import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { Adler32 } from './snapshot-checksum';
import { SNAP_DBID, SNAP_MAGIC, SNAP_VERSION } from './snapshot-format';

export const DEFAULT_SNAPSHOT_CHUNK_SIZE = 64 * 1024;

export interface SerializeOptions {
  /** Roughly how many uncompressed bytes each chunk holds (default 64 KiB). */
  chunkSize?: number;
  /** Write the ZxidDigest trailer; default: whether the tree keeps digests. */
  digestEnabled?: boolean;
}

/** A snapshot being written: its zxid (fixed when it started) and its bytes, chunk by chunk. */
export interface SnapshotWriter {
  /** The tree's lastProcessedZxid when the snapshot started: the file's name. */
  readonly zxid: bigint;
  /** The uncompressed bytes. Pulling the next chunk serializes the next part of the tree. */
  readonly chunks: Generator<Buffer, SnapshotSummary>;
}

export interface SnapshotSummary {
  nodes: number;
  sessions: number;
  bytes: number;
  checksum: number;
}

/** A BinaryOutputArchive cut into chunks, with the running Adler-32 a seal needs. */
class ChunkedArchive {
  oa: BinaryOutputArchive;
  bytes = 0;
  private readonly adler = new Adler32();
  private summed = 0;

  constructor(private readonly chunkSize: number) {
    this.oa = new BinaryOutputArchive(chunkSize + 1024);
  }

  get full(): boolean {
    return this.oa.length >= this.chunkSize;
  }

  /** CheckedOutputStream.getChecksum: every byte written so far. */
  checksum(): number {
    this.adler.update(this.oa.toBuffer(), this.summed);
    this.summed = this.oa.length;
    return this.adler.value;
  }

  take(): Buffer {
    this.checksum();
    const out = this.oa.toBuffer();
    this.bytes += out.length;
    this.oa = new BinaryOutputArchive(this.chunkSize + 1024);
    this.summed = 0;
    return out;
  }

  /** SnapStream.sealStream */
  seal(): number {
    const value = this.checksum();
    this.oa.writeLong(BigInt(value), 'val');
    this.oa.writeString('/', 'path');
    return value;
  }
}

/**
 * FileSnap.serialize as a pull stream. The sessions and the ACL cache are copied when the
 * writer is made (SerializeUtils copies the session map first too); the nodes are read as
 * the chunks are pulled, so a caller that lets requests run between chunks takes a fuzzy
 * snapshot exactly as Java's background thread does: each node is written as it is at
 * that moment, a node deleted before it is reached is left out, and replaying the log
 * from the snapshot's zxid brings the tree to a consistent state. The digest trailer is
 * the one after the last txn applied when the tree was finished, as in Java.
 */
export function serializeSnapshot(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  opts: SerializeOptions = {},
): SnapshotWriter {
  const zxid = tree.lastProcessedZxid;
  const sessionList = [...sessions];
  const aclList = [...tree.aclCache.entries()];
  const digestEnabled = opts.digestEnabled ?? tree.digestEnabled;
  const chunkSize = opts.chunkSize ?? DEFAULT_SNAPSHOT_CHUNK_SIZE;

  function* chunks(): Generator<Buffer, SnapshotSummary> {
    const out = new ChunkedArchive(chunkSize);
    const oa = () => out.oa;
    oa().writeInt(SNAP_MAGIC, 'magic');
    oa().writeInt(SNAP_VERSION, 'version');
    oa().writeLong(SNAP_DBID, 'dbid');
    oa().writeInt(sessionList.length, 'count');
    for (const [id, timeout] of sessionList) {
      oa().writeLong(id, 'id');
      oa().writeInt(timeout, 'timeout');
      if (out.full) yield out.take();
    }
    oa().writeInt(aclList.length, 'map');
    for (const [ref, acls] of aclList) {
      oa().writeLong(ref, 'long');
      oa().startVector(acls, 'acls');
      for (const acl of acls) acl.serialize(oa());
      if (out.full) yield out.take();
    }
    let nodes = 0;
    for (const [path, node] of tree.nodesInTreeOrder()) {
      oa().writeString(path, 'path');
      oa().writeBuffer(node.data, 'data');
      oa().writeLong(node.acl, 'acl');
      node.stat.serialize(oa());
      nodes++;
      if (out.full) yield out.take();
    }
    oa().writeString('/', 'path');
    const checksum = out.seal();
    if (digestEnabled) {
      const d = tree.digests.lastProcessedZxidDigest ?? { zxid: 0n, digestVersion: DIGEST_VERSION, digest: 0n };
      oa().writeLong(d.zxid, 'zxid');
      oa().writeInt(d.digestVersion, 'digestVersion');
      oa().writeLong(d.digest, 'digest');
      out.seal();
    }
    yield out.take();
    return { nodes, sessions: sessionList.length, bytes: out.bytes, checksum };
  }

  return { zxid, chunks: chunks() };
}

/** The whole snapshot at once (the tree cannot change meanwhile): for memory stores and tests. */
export function serializeSnapshotToBuffer(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  opts: SerializeOptions = {},
): { zxid: bigint; bytes: Buffer; summary: SnapshotSummary } {
  const w = serializeSnapshot(tree, sessions, opts);
  const parts: Buffer[] = [];
  for (;;) {
    const r = w.chunks.next();
    if (r.done) return { zxid: w.zxid, bytes: Buffer.concat(parts), summary: r.value };
    parts.push(r.value);
  }
}
