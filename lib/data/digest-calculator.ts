import { crc32 } from 'node:zlib';
import type { StatPersisted } from '../jute/records/data';
import type { DataNode } from './data-node';

/** DigestCalculator.DIGEST_VERSION: the version written in each TxnDigest. */
export const DIGEST_VERSION = 2;

/** ZooDefs.ZOOKEEPER_NODE_SUBTREE: quota nodes change locally, so the subtree is left out. */
export const ZOOKEEPER_NODE_SUBTREE = '/zookeeper/';

/**
 * DigestCalculator.calculateDigest: CRC32 over the path, the data and 60 bytes of stat
 * (czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner). The
 * tree digest is the 64-bit wrapping sum of these over all nodes (AdHash), compared
 * between servers through the TxnDigest in each logged txn.
 */
export function calculateDigest(path: string, data: Buffer | null, stat: StatPersisted): bigint {
  if (path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return 0n;
  // "" and "/" both name the root; the digest always uses "".
  if (path === '/') path = '';
  if (data === null || data.length === 0) return digestOfStat(crcOfString(path, ~0), stat);
  const memo = memos.get(data);
  if (memo !== undefined && memo.path === path) return sameStat(memo, stat) ? memo.digest : digestOfStat(memo.afterData, stat);
  return digestOfStat(crcOfData(data, crcOfString(path, ~0)), stat);
}

/**
 * calculateDigest for prep's precalculated digest of the node a txn writes, remembered
 * for the tree, which digests the node again from the same inputs when it applies the
 * txn (see DigestMemo).
 */
export function precalculateDigest(path: string, data: Buffer | null, stat: StatPersisted): bigint {
  if (data === null || data.length === 0 || path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return calculateDigest(path, data, stat);
  const name = path === '/' ? '' : path;
  const afterData = crcOfData(data, crcOfString(name, ~0));
  const digest = digestOfStat(afterData, stat);
  if (memos.size >= MEMO_MAX || memoBytes > MEMO_MAX_BYTES) {
    memos = new Map();
    memoBytes = 0;
  }
  memos.set(data, {
    path: name,
    afterData,
    czxid: stat.czxid,
    mzxid: stat.mzxid,
    pzxid: stat.pzxid,
    ctime: stat.ctime,
    mtime: stat.mtime,
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: stat.ephemeralOwner,
    digest,
  });
  memoBytes += data.length;
  return digest;
}

function digestOfStat(c: number, stat: StatPersisted): bigint {
  c = crcOfLong(stat.czxid, c);
  c = crcOfLong(stat.mzxid, c);
  c = crcOfLong(stat.pzxid, c);
  c = crcOfLong(stat.ctime, c);
  c = crcOfLong(stat.mtime, c);
  c = crcOfInt(stat.version, c);
  c = crcOfInt(stat.cversion, c);
  c = crcOfInt(stat.aversion, c);
  c = crcOfLong(stat.ephemeralOwner, c);
  return BigInt(~c >>> 0);
}

/**
 * Prep's digest of a txn's node, by the txn's data Buffer. A write's node is digested
 * twice from the same inputs: in prep (the digest logged with the txn) and when the tree
 * applies the txn. The apply finds this memo, compares path and stat with it, and skips
 * the CRC. The Buffer stands for its bytes because node data is never changed in place: a
 * change is a new Buffer. Null and empty data have no Buffer to key on and are cheap
 * anyway. Only prep adds memos: a learner, which applies without prep, adds none. (Taking
 * the memo out of the map at the apply, so that it would die young, promoted more per
 * setData, not less: ~520 against ~430 bytes in three interleaved pairs.)
 */
interface DigestMemo {
  readonly path: string;
  /** The register after path and data: a memo whose stat no longer matches starts here. */
  readonly afterData: number;
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly pzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly digest: bigint;
}

let memos = new Map<Uint8Array, DigestMemo>();
let memoBytes = 0;
/** Enough for the txns between prep and apply; the bytes bound keeps big values from piling up. */
const MEMO_MAX = 4096;
const MEMO_MAX_BYTES = 16 * 1024 * 1024;

function sameStat(m: DigestMemo, s: StatPersisted): boolean {
  return (
    m.mzxid === s.mzxid &&
    m.mtime === s.mtime &&
    m.version === s.version &&
    m.czxid === s.czxid &&
    m.pzxid === s.pzxid &&
    m.ctime === s.ctime &&
    m.cversion === s.cversion &&
    m.aversion === s.aversion &&
    m.ephemeralOwner === s.ephemeralOwner
  );
}

/** Data at least this long goes to zlib's crc32: below it the call costs more than the bytes. */
const NATIVE_CRC_MIN = 128;

function crcOfData(data: Uint8Array, c: number): number {
  return data.length >= NATIVE_CRC_MIN ? ~crc32(data, ~c >>> 0) : crcOfBytes(data, c);
}

/**
 * CRC-32 (IEEE 802.3, reflected, as zlib and java.util.zip.CRC32), with the three extra
 * tables of slicing-by-4: four bytes take four independent lookups instead of four
 * dependent steps, and a digest is mostly fixed-width stat fields.
 */
const [T0, T1, T2, T3] = (() => {
  const t = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[k][n] = (t[k - 1][n] >>> 8) ^ t[0][t[k - 1][n] & 0xff];
  }
  return t;
})();

/** These take and return the running register (inverted CRC), as zlib keeps it. */
function crcOfBytes(b: Uint8Array, c: number): number {
  for (let i = 0; i < b.length; i++) c = T0[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** Four bytes, the first in the low bits (the order a reflected CRC takes them). */
function crcOfWord(w: number, c: number): number {
  c ^= w;
  return T3[c & 0xff] ^ T2[(c >>> 8) & 0xff] ^ T1[(c >>> 16) & 0xff] ^ T0[c >>> 24];
}

/** The string's UTF-8 bytes; paths are ASCII, anything else is encoded first. */
function crcOfString(str: string, c: number): number {
  const start = c;
  const n = str.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = str.charCodeAt(i), b = str.charCodeAt(i + 1), d = str.charCodeAt(i + 2), e = str.charCodeAt(i + 3);
    if ((a | b | d | e) >= 0x80) return crcOfBytes(Buffer.from(str, 'utf8'), start);
    c = crcOfWord(a | (b << 8) | (d << 16) | (e << 24), c);
  }
  for (; i < n; i++) {
    const ch = str.charCodeAt(i);
    if (ch >= 0x80) return crcOfBytes(Buffer.from(str, 'utf8'), start);
    c = T0[(c ^ ch) & 0xff] ^ (c >>> 8);
  }
  return c;
}

/** An int's 4 bytes, big-endian (as DataOutputStream writes them). */
function crcOfInt(v: number, c: number): number {
  return crcOfWord(((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24), c);
}

/** A long's 8 bytes, big-endian, through a typed array (one conversion, no bigint math). */
const LONG = new BigInt64Array(1);
const LONG_WORDS = new Int32Array(LONG.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

function crcOfLong(v: bigint, c: number): number {
  LONG[0] = v;
  return crcOfInt(LONG_WORDS[1 - HI], crcOfInt(LONG_WORDS[HI], c));
}

/** The node's digest, cached on the node until the next change. */
export function digestOfNode(path: string, node: DataNode): bigint {
  if (!node.digestCached) {
    node.digest = calculateDigest(path, node.data, node.stat);
    node.digestCached = true;
  }
  return node.digest;
}
