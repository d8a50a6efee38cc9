import type { DataNode } from '../data/data-node';
import type { ZxidDigest } from '../data/data-tree-digest';
import { BinaryInputArchive } from '../jute/binary-input-archive';
import { JuteError, JuteTruncatedError } from '../jute/errors';
import { ACL } from '../jute/records/data';
import { Adler32 } from './snapshot-checksum';
import { SnapshotNodeReader } from './snapshot-node-reader';

/**
 * A snapshot's bytes (after decompression), as FileSnap.serialize writes them in 3.8:
 *
 *     FileHeader      magic "ZKSN" (int) · version 2 (int) · dbid -1 (long)
 *     sessions        count (int) · (id long · timeout int)*
 *     ACL cache       count (int) · (reference long · vector<ACL>)*
 *     nodes           (path ustring · DataNode{data buffer · acl long · StatPersisted})*
 *                     in tree order, the root as "", then path "/" as the end marker
 *     seal            Adler-32 of every byte before it (long) · "/" (ustring)
 *     ZxidDigest      zxid (long) · digestVersion (int) · digest (long)    when digests are on
 *     seal            Adler-32 of every byte before it, the first seal included
 *
 * Readers without digests stop after the first seal, so the digest is an optional trailer.
 */
export const SNAP_MAGIC = 0x5a4b534e;
export const SNAP_VERSION = 2;
export const SNAP_DBID = -1n;
/** SnapStream.isValidCheckedStream: a snapshot ends in int 1 and '/' (a seal's path). */
export const SEAL_TAIL = Buffer.from([0, 0, 0, 1, 0x2f]);
/**
 * BinaryInputArchive's limit on one buffer or string: jute.maxbuffer plus
 * zookeeper.jute.maxbuffer.extrasize (both 0xfffff by default).
 */
export const DEFAULT_SNAPSHOT_MAX_BUFFER = 0xfffff * 2;

/** Bytes that are not a whole, intact snapshot: the reason says which part is wrong. */
export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError';
  constructor(
    readonly reason: string,
    /** Offset in the uncompressed stream where the problem was seen. */
    readonly offset: number,
    readonly source = 'snapshot',
  ) {
    super(`${source}: ${reason} (at uncompressed byte ${offset})`);
  }
}

export interface SnapshotHeader {
  magic: number;
  version: number;
  dbid: bigint;
}

/** Everything a snapshot holds, in file order. */
export interface ParsedSnapshot {
  header: SnapshotHeader;
  /** Session id → timeout (ms), in file order. */
  sessions: Array<[bigint, number]>;
  /** ACL cache entries: reference → list, in file order. */
  acls: Array<[bigint, ACL[]]>;
  /** (path, node) in file order; the root's path is "". */
  nodes: Array<[string, DataNode]>;
  /** The first seal's value: Adler-32 of everything before it. */
  checksum: number;
  /** The digest trailer, when it was read and named a zxid; null otherwise. */
  digest: ZxidDigest | null;
  /** Whether a digest trailer was there at all (an empty one has zxid 0). */
  hasDigestTrailer: boolean;
  /** Bytes read, seals and trailer included. */
  length: number;
  /** Whether every seal matched (always true unless verifyChecksum was false). */
  checksumValid: boolean;
}

export interface ParseOptions {
  /** zookeeper.digest.enabled: read the digest trailer (default true, as in 3.8). */
  digestEnabled?: boolean;
  maxBuffer?: number;
  /** Names the snapshot in errors (its file name). */
  source?: string;
  /**
   * false reports a seal mismatch in checksumValid instead of throwing: SnapshotFormatter
   * prints a snapshot without checking its seal.
   */
  verifyChecksum?: boolean;
  /**
   * Each node's value as a view of `buf`, not a copy. A copy is a Node pool slice: 1 KiB
   * values made ~560 MB of new memory outside V8's heap for a 500k-znode snapshot, and V8
   * starts a mark-compact of the growing heap after every ~64 MB of that, so GC took over
   * half of the parse. With views the tree keeps `buf` alive until its last loaded value
   * is overwritten or deleted: pass it only for a buffer read for this parse alone.
   */
  shareValues?: boolean;
}

/**
 * FileSnap.deserialize + SnapStream.checkSealIntegrity over a whole uncompressed snapshot.
 * Throws SnapshotFormatError for a wrong magic, a truncation anywhere (the digest trailer
 * may be missing, as an older writer leaves it out), malformed records or a checksum
 * mismatch; nothing is half-applied because nothing is applied here at all.
 */
export function parseSnapshot(buf: Buffer, opts: ParseOptions = {}): ParsedSnapshot {
  const source = opts.source ?? 'snapshot';
  const ia = new BinaryInputArchive(buf, opts.maxBuffer ?? DEFAULT_SNAPSHOT_MAX_BUFFER);
  const shareValues = opts.shareValues === true;
  const fail = (reason: string, at = ia.offset): never => {
    throw new SnapshotFormatError(reason, at, source);
  };
  const read = <T>(what: string, fn: () => T): T => {
    const at = ia.offset;
    try {
      return fn();
    } catch (e) {
      if (e instanceof JuteTruncatedError) return fail(`truncated in ${what}`, at);
      if (e instanceof JuteError) return fail(`malformed ${what}: ${e.message}`, at);
      throw e;
    }
  };

  const header = read('the file header', () => ({ magic: ia.readInt(), version: ia.readInt(), dbid: ia.readLong() }));
  if (header.magic !== SNAP_MAGIC) {
    fail(`mismatching magic headers ${header.magic} != ${SNAP_MAGIC}: not a ZooKeeper snapshot`, 0);
  }

  const sessions: Array<[bigint, number]> = [];
  read('the sessions', () => {
    // Java loops while count > 0, so a negative count means no sessions.
    for (let count = ia.readInt(); count > 0; count--) sessions.push([ia.readLong(), ia.readInt()]);
  });

  const acls: Array<[bigint, ACL[]]> = [];
  read('the ACL cache', () => {
    for (let i = ia.readInt(); i > 0; i--) {
      const ref = ia.readLong();
      const n = ia.startVector(ACL.minSize, 'acls');
      if (n === -1) fail('Incorrect format of InputArchive when deserialize DataTree - missing acls');
      const list: ACL[] = [];
      for (let j = 0; j < n; j++) list.push(ACL.deserialize(ia));
      acls.push([ref, list]);
    }
  });

  const nodes: Array<[string, DataNode]> = [];
  const nodeReader = new SnapshotNodeReader();
  read('the data tree', () => {
    for (;;) {
      const at = ia.offset;
      const path = ia.readString();
      if (path === null) fail('a node with a null path', at);
      if (path === '/') break;
      nodes.push([path!, nodeReader.read(ia, shareValues)]);
    }
  });

  // One running sum, as CheckedInputStream keeps: each seal checks every byte before it.
  const sum = { adler: new Adler32(), upTo: 0, verify: opts.verifyChecksum ?? true, valid: true };
  const checksum = checkSeal(buf, ia, sum, read, fail);
  const result: ParsedSnapshot = {
    header,
    sessions,
    acls,
    nodes,
    checksum,
    digest: null,
    hasDigestTrailer: false,
    length: ia.offset,
    checksumValid: sum.valid,
  };
  if (opts.digestEnabled === false) return result;

  // DataTree.deserializeZxidDigest: running out of bytes here only means an older writer.
  let digest: ZxidDigest;
  const digestAt = ia.offset;
  try {
    const zxid = ia.readLong();
    const digestVersion = ia.readInt();
    // Digest version 1 stored the value as a hex string.
    const value = digestVersion < 2 ? parseHexDigest(ia.readString()) : ia.readLong();
    digest = { zxid, digestVersion, digest: value };
  } catch (e) {
    if (e instanceof JuteTruncatedError) return result;
    if (e instanceof JuteError) return fail(`malformed digest: ${e.message}`, digestAt);
    throw e;
  }
  checkSeal(buf, ia, sum, read, fail);
  result.hasDigestTrailer = true;
  result.digest = digest.zxid > 0n ? digest : null;
  result.length = ia.offset;
  result.checksumValid = sum.valid;
  return result;
}

function checkSeal(
  buf: Buffer,
  ia: BinaryInputArchive,
  sum: { adler: Adler32; upTo: number; verify: boolean; valid: boolean },
  read: <T>(what: string, fn: () => T) => T,
  fail: (reason: string, at?: number) => never,
): number {
  const at = ia.offset;
  sum.adler.update(buf, sum.upTo, at);
  sum.upTo = at;
  const expected = sum.adler.value;
  if (!sum.verify && ia.remaining < 13) {
    // Only a dump gets here: it prints what is there, as SnapshotFormatter does.
    sum.valid = false;
    return expected;
  }
  const val = read('the checksum seal', () => ia.readLong());
  read('the checksum seal', () => ia.readString());
  if (val !== BigInt(expected)) {
    if (sum.verify) fail(`CRC corruption: the seal says ${val}, the content sums to ${expected}`, at);
    sum.valid = false;
  }
  return expected;
}

function parseHexDigest(s: string | null): bigint {
  if (s === null || !/^-?[0-9a-fA-F]+$/.test(s)) return 0n;
  return BigInt.asIntN(64, s.startsWith('-') ? -BigInt('0x' + s.slice(1)) : BigInt('0x' + s));
}
