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
  // One scratch buffer holds the path and then the 60 stat bytes, so a node without data
  // costs a single crc32 call and no allocation (paths are short; long ones get their own).
  const need = path.length * 3 + 60;
  const buf = need <= scratch.length ? scratch : Buffer.allocUnsafe(need);
  const view = buf === scratch ? scratchView : new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = buf.write(path, 0, 'utf8');
  let crc: number;
  if (data !== null && data.length > 0) {
    crc = crc32(data, crc32(buf.subarray(0, n)));
    writeStat(view, 0, stat);
    crc = crc32(buf.subarray(0, 60), crc);
  } else {
    writeStat(view, n, stat);
    crc = crc32(buf.subarray(0, n + 60));
  }
  return BigInt(crc >>> 0);
}

const scratch = Buffer.alloc(4096);
const scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);

function writeStat(v: DataView, at: number, stat: StatPersisted): void {
  v.setBigInt64(at, stat.czxid);
  v.setBigInt64(at + 8, stat.mzxid);
  v.setBigInt64(at + 16, stat.pzxid);
  v.setBigInt64(at + 24, stat.ctime);
  v.setBigInt64(at + 32, stat.mtime);
  v.setInt32(at + 40, stat.version);
  v.setInt32(at + 44, stat.cversion);
  v.setInt32(at + 48, stat.aversion);
  v.setBigInt64(at + 52, stat.ephemeralOwner);
}

/** The node's digest, cached on the node until the next change. */
export function digestOfNode(path: string, node: DataNode): bigint {
  if (!node.digestCached) {
    node.digest = calculateDigest(path, node.data, node.stat);
    node.digestCached = true;
  }
  return node.digest;
}
