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
  return BigInt(nodeCrc(path, data, stat));
}

/** calculateDigest as a number: a CRC fits in one, and a DataNode keeps it so (see DataNode.digest). */
function nodeCrc(path: string, data: Buffer | null, stat: StatPersisted): number {
  if (path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return 0;
  // "" and "/" both name the root; the digest always uses "".
  if (path === '/') path = '';
  if (data === null || data.length === 0) return crcOfStat(crcOfString(path, ~0), stat);
  return crcOfStat(crcOfData(data, crcOfString(path, ~0)), stat);
}

/**
 * calculateDigest, as a number, for prep's precalculated digest of the node a txn writes.
 * The CRC of its path and data also goes into the tree's queue (`prepped`), since the tree
 * digests the node again when it applies the txn (takePrecalculatedDigest).
 */
export function precalculateDigest(path: string, data: Buffer | null, stat: StatPersisted, prepped: PreppedCrcs | null = null): number {
  if (prepped === null || data === null || data.length === 0 || path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return nodeCrc(path, data, stat);
  const name = path === '/' ? '' : path;
  const afterData = crcOfData(data, crcOfString(name, ~0));
  prepped.push(name, data, afterData);
  return crcOfStat(afterData, stat);
}

/**
 * The digest of a node a txn has just written with `data`, from prep's CRC of its path
 * and data when prep queued one for them; undefined when it did not (a learner's apply,
 * a replayed log, empty data), and the caller digests the node in full.
 */
export function takePrecalculatedDigest(prepped: PreppedCrcs, path: string, data: Buffer | null, stat: StatPersisted): number | undefined {
  if (prepped.length === 0 || data === null || data.length === 0 || path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return undefined;
  const afterData = prepped.take(path === '/' ? '' : path, data);
  return afterData === undefined ? undefined : crcOfStat(afterData, stat);
}

/** Enough for the txns between prep and apply; the bytes bound keeps big values from piling up. */
const PREPPED_MAX = 4096;
const PREPPED_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Prep's CRCs of path and data, in prep order, waiting for their txns' applies.
 *
 * A write's node is digested twice from the same path and data: in prep (the digest
 * logged with the txn) and when the tree applies the txn. Txns are applied in the order
 * they were prepped, so the apply looks at the oldest entries first for its path and
 * data: usually the same Buffer (the txn's own, which nothing changes between prep and
 * apply; the tree's arena copies it only after the apply's digest), else equal bytes (a
 * multi's create op is applied from its encoded bytes).
 * Either way the CRC is the same function of the same bytes. Entries older than the one
 * found belong to txns that will not be applied (a multi rolled back, a request that
 * failed after its digest): they are dropped. An apply that finds none (a learner that
 * was the leader) empties the queue, so a stale entry is looked at once at most.
 *
 * Why a ring of slots and not a map from Buffer to memo, as before: an entry now lets go
 * of its Buffer and path when its txn is applied. The map kept its last 4096 memos, each
 * a new object holding the txn's Buffer and stat fields, well past the apply: they
 * outlived scavenges and were promoted (at ~30k setData/s, ~1 MB of ~1.7 MB copied per
 * scavenge; scavenges averaged 4.4 ms, with three mark-compacts in 6 s).
 */
export class PreppedCrcs {
  private readonly paths: (string | null)[];
  private readonly datas: (Buffer | null)[];
  private readonly crcs: Int32Array;
  private head = 0;
  private size = 0;
  private bytes = 0;

  constructor(
    private readonly capacity = PREPPED_MAX,
    private readonly maxBytes = PREPPED_MAX_BYTES,
  ) {
    this.paths = new Array<string | null>(capacity).fill(null);
    this.datas = new Array<Buffer | null>(capacity).fill(null);
    this.crcs = new Int32Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(path: string, data: Buffer, crc: number): void {
    // The oldest go first: their applies will digest in full, which is only slower.
    while (this.size > 0 && (this.size === this.capacity || this.bytes + data.length > this.maxBytes)) this.drop();
    const i = (this.head + this.size) % this.capacity;
    this.paths[i] = path;
    this.datas[i] = data;
    this.crcs[i] = crc;
    this.size++;
    this.bytes += data.length;
  }

  take(path: string, data: Buffer): number | undefined {
    let n = 0;
    for (; n < this.size; n++) {
      const i = (this.head + n) % this.capacity;
      const d = this.datas[i]!;
      if (this.paths[i] === path && (d === data || (d.length === data.length && d.equals(data)))) break;
    }
    if (n === this.size) {
      this.clear();
      return undefined;
    }
    for (; n > 0; n--) this.drop();
    const crc = this.crcs[this.head];
    this.drop();
    return crc;
  }

  clear(): void {
    while (this.size > 0) this.drop();
  }

  private drop(): void {
    const i = this.head;
    this.bytes -= this.datas[i]!.length;
    this.paths[i] = null;
    this.datas[i] = null;
    this.head = (i + 1) % this.capacity;
    this.size--;
  }
}

/** The stat's 60 bytes after the register `c`; the finished CRC (unsigned). */
function crcOfStat(c: number, stat: StatPersisted): number {
  c = crcOfLong(stat.czxid, c);
  c = crcOfLong(stat.mzxid, c);
  c = crcOfLong(stat.pzxid, c);
  c = crcOfLong(stat.ctime, c);
  c = crcOfLong(stat.mtime, c);
  c = crcOfInt(stat.version, c);
  c = crcOfInt(stat.cversion, c);
  c = crcOfInt(stat.aversion, c);
  c = crcOfLong(stat.ephemeralOwner, c);
  return ~c >>> 0;
}

/** Data at least this long goes to zlib's crc32: below it the call costs more than the bytes. */
const NATIVE_CRC_MIN = 128;

function crcOfData(data: Uint8Array, c: number): number {
  return data.length >= NATIVE_CRC_MIN ? ~crc32(data, ~c >>> 0) : crcOfBytes(data, c);
}

/**
 * CRC-32 (IEEE 802.3, reflected, as zlib and java.util.zip.CRC32), with the seven extra
 * tables of slicing-by-8: a stat's long takes eight independent lookups instead of eight
 * dependent steps, and a digest is mostly fixed-width stat fields. Tk[n] is the CRC of
 * byte n followed by k zero bytes.
 */
const [T0, T1, T2, T3, T4, T5, T6, T7] = (() => {
  const t = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k][n] = (t[k - 1][n] >>> 8) ^ t[0][t[k - 1][n] & 0xff];
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

/** An int's 4 bytes, big-endian (as DataOutputStream writes them), each met by a byte of the register. */
function crcOfInt(v: number, c: number): number {
  return T3[((v >>> 24) ^ c) & 0xff] ^ T2[((v >>> 16) ^ (c >>> 8)) & 0xff] ^ T1[((v >>> 8) ^ (c >>> 16)) & 0xff] ^ T0[(v ^ (c >>> 24)) & 0xff];
}

/** A long's 8 bytes, big-endian, through a typed array (one conversion, no bigint math). */
const LONG = new BigInt64Array(1);
const LONG_WORDS = new Int32Array(LONG.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

function crcOfLong(v: bigint, c: number): number {
  LONG[0] = v;
  const hi = LONG_WORDS[HI];
  const lo = LONG_WORDS[1 - HI];
  // The high word's bytes meet the register; the low word's follow it unchanged.
  return (
    T7[((hi >>> 24) ^ c) & 0xff] ^
    T6[((hi >>> 16) ^ (c >>> 8)) & 0xff] ^
    T5[((hi >>> 8) ^ (c >>> 16)) & 0xff] ^
    T4[(hi ^ (c >>> 24)) & 0xff] ^
    T3[lo >>> 24] ^
    T2[(lo >>> 16) & 0xff] ^
    T1[(lo >>> 8) & 0xff] ^
    T0[lo & 0xff]
  );
}

/** A tree digest kept as two uint32 halves (digest-sum.ts) as Java's signed long. */
export function digestLong(hi: number, lo: number): bigint {
  LONG_WORDS[HI] = hi;
  LONG_WORDS[1 - HI] = lo;
  return LONG[0];
}

/** The node's digest (calculateDigest as a number), cached on the node until the next change. */
export function nodeDigest(path: string, node: DataNode): number {
  if (!node.digestCached) {
    node.digest = nodeCrc(path, node.data, node.stat) | 0;
    node.digestCached = true;
  }
  return node.digest >>> 0;
}
