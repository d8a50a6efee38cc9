import { DataNode } from '../data/data-node';
import type { BinaryInputArchive } from '../jute/binary-input-archive';

/**
 * Reads a snapshot's node records (data · acl · StatPersisted, as DataNode.serialize
 * writes them) straight into DataNodes, for a snapshot file and a learner's SNAP alike.
 *
 * Equal longs share one bigint. A bigint is an object of its own (24 bytes here), and a
 * stat holds six: read one by one, a loaded znode kept six where the same znode made by
 * its create txn shares one zxid among czxid, mzxid and pzxid and one time between ctime
 * and mtime. So each long is compared with the values it most often repeats (the same
 * node's, or the node before it's, since nodes come in creation order) before a new one
 * is made, and a node is built without a StatPersisted to copy.
 */
export class SnapshotNodeReader {
  private prev = new DataNode(null, 0n);

  /** The next node's record; `shareValues`: its data as a view of the input (readBufferView). */
  read(ia: BinaryInputArchive, shareValues: boolean): DataNode {
    const prev = this.prev;
    const data = shareValues ? ia.readBufferView() : ia.readBuffer();
    const n = new DataNode(data, ia.readLongLike(prev.acl));
    // In StatPersisted's field order.
    n.czxid = ia.readLongLike(prev.czxid, prev.mzxid);
    n.mzxid = ia.readLongLike(n.czxid, prev.mzxid);
    n.ctime = ia.readLongLike(prev.ctime, prev.mtime);
    n.mtime = ia.readLongLike(n.ctime, prev.mtime);
    n.version = ia.readInt();
    n.cversion = ia.readInt();
    n.aversion = ia.readInt();
    n.ephemeralOwner = ia.readLongLike(0n, prev.ephemeralOwner);
    n.pzxid = ia.readLongLike(n.czxid, n.mzxid);
    this.prev = n;
    return n;
  }
}
