import type { DataTree } from '../data/data-tree';
import type { StatPersisted } from '../jute/records/data';
import type { ZxidDigest } from '../data/data-tree-digest';
import { DIGEST_VERSION } from '../data/digest-calculator';
import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { writeInt64BE } from '../jute/int64';
import { adler32 } from './adler32';
import { Adler32, adler32Combine } from './snapshot-checksum';
import { SNAP_DBID, SNAP_MAGIC, SNAP_VERSION } from './snapshot-format';

export const DEFAULT_SNAPSHOT_CHUNK_SIZE = 64 * 1024;

export interface SerializeOptions {
  /** Roughly how many uncompressed bytes each chunk holds (default 64 KiB). */
  chunkSize?: number;
  /** Write the ZxidDigest trailer; default: whether the tree keeps digests. */
  digestEnabled?: boolean;
  /**
   * Serialize every chunk into the same buffer: a chunk is then valid only until the next
   * one is pulled. A 200 MB snapshot in fresh 256 KiB buffers costs the main thread more
   * (page faults, and GCs driven by the external memory) than encoding it.
   */
  reuseBuffer?: boolean;
  /**
   * Start with FileSnap's file header (magic, version, dbid); default true. Without it the
   * body is SerializeUtils.serializeSnapshot alone, what a leader's SNAP carries.
   */
  fileHeader?: boolean;
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

/**
 * A snapshot without its seals: the header, sessions, ACL cache and nodes up to and with
 * the "/" end marker. Whoever writes it sums the chunks (Adler-32, anywhere: a thread of
 * zlib's) and ends the file with {@link SnapshotBodySummary.trailer}.
 */
export interface SnapshotBodyWriter {
  readonly zxid: bigint;
  readonly chunks: Generator<Buffer, SnapshotBodySummary>;
}

export interface SnapshotBodySummary {
  nodes: number;
  sessions: number;
  /** Bytes of the body (the chunks). */
  bytes: number;
  /** The seal, and the digest trailer with its own seal, given the body's Adler-32. */
  trailer(bodyChecksum: number): Buffer;
}

/** Path of the root's alias in the node map; also the snapshot's end marker. */
const ROOT_ALIAS = '/';

/** FileSnap.serialize up to the seal, as a pull stream (see serializeSnapshot). */
export function serializeSnapshotBody(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  opts: SerializeOptions = {},
): SnapshotBodyWriter {
  const zxid = tree.lastProcessedZxid;
  const sessionList = [...sessions];
  const aclList = [...tree.aclCache.entries()];
  const digestEnabled = opts.digestEnabled ?? tree.digestEnabled;
  const chunkSize = opts.chunkSize ?? DEFAULT_SNAPSHOT_CHUNK_SIZE;
  const reuse = opts.reuseBuffer === true;

  function* chunks(): Generator<Buffer, SnapshotBodySummary> {
    let oa = new BinaryOutputArchive(chunkSize + 1024);
    let bytes = 0;
    const take = (): Buffer => {
      const out = oa.toBuffer();
      bytes += out.length;
      if (reuse) oa.reset();
      else oa = new BinaryOutputArchive(chunkSize + 1024);
      return out;
    };
    if (opts.fileHeader !== false) {
      oa.writeInt(SNAP_MAGIC, 'magic');
      oa.writeInt(SNAP_VERSION, 'version');
      oa.writeLong(SNAP_DBID, 'dbid');
    }
    oa.writeInt(sessionList.length, 'count');
    for (const [id, timeout] of sessionList) {
      oa.writeLong(id, 'id');
      oa.writeInt(timeout, 'timeout');
      if (oa.length >= chunkSize) yield take();
    }
    oa.writeInt(aclList.length, 'map');
    for (const [ref, acls] of aclList) {
      oa.writeLong(ref, 'long');
      oa.startVector(acls, 'acls');
      for (const acl of acls) acl.serialize(oa);
      if (oa.length >= chunkSize) yield take();
    }
    let nodes = 0;
    // Each parent before its children, as DataTree.deserialize needs: the node map's
    // insertion order already is such an order (see NodeHashMap.nodes). While requests
    // run between chunks the walk is fuzzy as Java's is: a node removed before it is
    // reached is left out and a change made before it is reached is in. A node created
    // after `zxid` (the snapshot's) is left out: the log replayed from `zxid` creates it,
    // and a path removed and created again is then never written twice. The walk is
    // inline, not a generator of entries: resuming one per node, and the stat's generic
    // writer, were ~30% of a 650k-znode snapshot's event-loop time.
    for (const [path, node] of tree.nodes.entries()) {
      if (path === ROOT_ALIAS || node.stat.czxid > zxid) continue;
      oa.writeString(path, 'path');
      oa.writeBuffer(node.data, 'data');
      writeAclAndStat(oa, node.acl, node.stat);
      nodes++;
      if (oa.length >= chunkSize) yield take();
    }
    oa.writeString(ROOT_ALIAS, 'path');
    // Java writes the digest of the last txn applied when the tree was finished.
    const digest = digestEnabled ? tree.digests.lastProcessedZxidDigest ?? EMPTY_DIGEST : null;
    const last = take();
    const summary: SnapshotBodySummary = {
      nodes,
      sessions: sessionList.length,
      bytes,
      trailer: (bodyChecksum) => snapshotTrailer(bodyChecksum, digest),
    };
    yield last;
    return summary;
  }

  return { zxid, chunks: chunks() };
}

/** The acl ref and a StatPersisted, as their jute serializers write them. */
export const ACL_AND_STAT_BYTES = 8 + 8 * 4 + 4 * 3 + 8 * 2;

/**
 * The node's acl ref and stat without the generic record writer's per-field checks: the
 * tree only holds values that were decoded or computed as int64s and int32s.
 */
function writeAclAndStat(oa: BinaryOutputArchive, acl: bigint, stat: StatPersisted): void {
  const at = oa.skip(ACL_AND_STAT_BYTES);
  const b = oa.rawBuffer;
  writeInt64BE(b, at, acl);
  writeInt64BE(b, at + 8, stat.czxid);
  writeInt64BE(b, at + 16, stat.mzxid);
  writeInt64BE(b, at + 24, stat.ctime);
  writeInt64BE(b, at + 32, stat.mtime);
  b.writeInt32BE(stat.version, at + 40);
  b.writeInt32BE(stat.cversion, at + 44);
  b.writeInt32BE(stat.aversion, at + 48);
  writeInt64BE(b, at + 52, stat.ephemeralOwner);
  writeInt64BE(b, at + 60, stat.pzxid);
}

const EMPTY_DIGEST: ZxidDigest = { zxid: 0n, digestVersion: DIGEST_VERSION, digest: 0n };

/**
 * SnapStream.sealStream after the body, then the ZxidDigest and a second seal over
 * everything before it (the first seal included) when digests are on.
 */
export function snapshotTrailer(bodyChecksum: number, digest: ZxidDigest | null): Buffer {
  const oa = new BinaryOutputArchive(64);
  oa.writeLong(BigInt(bodyChecksum), 'val');
  oa.writeString(ROOT_ALIAS, 'path');
  if (digest !== null) {
    oa.writeLong(digest.zxid, 'zxid');
    oa.writeInt(digest.digestVersion, 'digestVersion');
    oa.writeLong(digest.digest, 'digest');
    const sum = adler32Combine(bodyChecksum, adler32(oa.rawBuffer, 0, oa.length), oa.length);
    oa.writeLong(BigInt(sum), 'val');
    oa.writeString(ROOT_ALIAS, 'path');
  }
  return oa.copyOut();
}

/**
 * FileSnap.serialize as a pull stream, seals included (summed here, in JS). The sessions
 * and the ACL cache are copied when the writer is made (SerializeUtils copies the session
 * map first too); the nodes are read as the chunks are pulled, so a caller that lets
 * requests run between chunks takes a fuzzy snapshot exactly as Java's background thread
 * does: each node is written as it is at that moment, a node deleted before it is reached
 * is left out, and replaying the log from the snapshot's zxid brings the tree to a
 * consistent state. The digest trailer is the one after the last txn applied when the
 * tree was finished, as in Java.
 */
export function serializeSnapshot(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  opts: SerializeOptions = {},
): SnapshotWriter {
  const body = serializeSnapshotBody(tree, sessions, opts);

  function* chunks(): Generator<Buffer, SnapshotSummary> {
    const adler = new Adler32();
    for (;;) {
      const r = body.chunks.next();
      if (r.done) {
        const checksum = adler.value;
        const trailer = r.value.trailer(checksum);
        yield trailer;
        return { nodes: r.value.nodes, sessions: r.value.sessions, bytes: r.value.bytes + trailer.length, checksum };
      }
      adler.update(r.value);
      yield r.value;
    }
  }

  return { zxid: body.zxid, chunks: chunks() };
}

/** The whole snapshot at once (the tree cannot change meanwhile): for memory stores and tests. */
export function serializeSnapshotToBuffer(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  opts: SerializeOptions = {},
): { zxid: bigint; bytes: Buffer; summary: SnapshotSummary } {
  const w = serializeSnapshot(tree, sessions, { ...opts, reuseBuffer: false });
  const parts: Buffer[] = [];
  for (;;) {
    const r = w.chunks.next();
    if (r.done) return { zxid: w.zxid, bytes: Buffer.concat(parts), summary: r.value };
    parts.push(r.value);
  }
}
