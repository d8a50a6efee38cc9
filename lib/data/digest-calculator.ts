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
  // The path and the stat go through a CRC table here; only data long enough to pay for
  // the call into zlib goes there (three native calls and two subarrays per digest cost
  // more than the bytes did).
  let c = crcOfString(path, ~0);
  if (data !== null && data.length > 0) c = data.length >= NATIVE_CRC_MIN ? crcOfLargeData(data, c) : crcOfBytes(data, c);
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

/** Data at least this long goes to zlib's crc32. */
const NATIVE_CRC_MIN = 128;

/**
 * The register after a node's data, for data buffers seen lately. A txn's new data is
 * digested twice, in prep (the precalculated digest) and when the tree applies it, on
 * the same Buffer after the same path: the second time is a lookup instead of a pass
 * over the bytes. Keyed by the Buffer itself (node data is never changed in place: a
 * change is a new Buffer), and by the register it started from.
 */
let recentDataCrcs = new Map<Uint8Array, { readonly before: number; readonly after: number }>();
const RECENT_DATA_CRCS = 4096;

function crcOfLargeData(data: Uint8Array, c: number): number {
  const hit = recentDataCrcs.get(data);
  if (hit !== undefined && hit.before === c) return hit.after;
  const after = ~crc32(data, ~c >>> 0);
  if (recentDataCrcs.size >= RECENT_DATA_CRCS) recentDataCrcs = new Map();
  recentDataCrcs.set(data, { before: c, after });
  return after;
}

/** CRC-32 (IEEE 802.3, reflected, as zlib and java.util.zip.CRC32) one byte at a time. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** These take and return the running register (inverted CRC), as zlib keeps it. */
function crcOfBytes(b: Uint8Array, c: number): number {
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** The string's UTF-8 bytes; paths are ASCII, anything else is encoded first. */
function crcOfString(str: string, c: number): number {
  const start = c;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    if (ch >= 0x80) return crcOfBytes(Buffer.from(str, 'utf8'), start);
    c = CRC_TABLE[(c ^ ch) & 0xff] ^ (c >>> 8);
  }
  return c;
}

function crcOfInt(v: number, c: number): number {
  c = CRC_TABLE[(c ^ (v >>> 24)) & 0xff] ^ (c >>> 8);
  c = CRC_TABLE[(c ^ (v >>> 16)) & 0xff] ^ (c >>> 8);
  c = CRC_TABLE[(c ^ (v >>> 8)) & 0xff] ^ (c >>> 8);
  return CRC_TABLE[(c ^ v) & 0xff] ^ (c >>> 8);
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
