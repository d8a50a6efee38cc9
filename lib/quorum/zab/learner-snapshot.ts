import type { ACL } from '../../jute/records/data';
import { ACL as ACLRecord, StatPersisted } from '../../jute/records/data';
import { DataNode } from '../../data/data-node';
import type { DataTree } from '../../data/data-tree';
import { BinaryOutputArchive } from '../../jute/binary-output-archive';
import type { BinaryInputArchive } from '../../jute/binary-input-archive';
import { ByteQueue } from './byte-queue';
import { SNAP_SIGNATURE } from './packet-types';

/**
 * What follows a SNAP packet on a learner connection: ZKDatabase.serializeSnapshot
 * (SerializeUtils.serializeSnapshot: the sessions, then DataTree.serialize: the ACL cache
 * and every node, "/" last) and the string "BenWasHere". Unlike a snapshot file there is
 * no file header, no checksum seal and no digest trailer.
 */
export interface LearnerSnapshot {
  sessions: Array<[bigint, number]>;
  acls: Array<[bigint, ACL[]]>;
  /** (path, node) in tree order, the root as "". */
  nodes: Array<[string, DataNode]>;
}

/** The SNAP payload of `tree` and `sessions` as they are now, in chunks of about `chunkSize`. */
export function serializeLearnerSnapshot(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  chunkSize = 64 * 1024,
): Buffer[] {
  const out: Buffer[] = [];
  let oa = new BinaryOutputArchive(chunkSize + 1024);
  const maybeCut = (): void => {
    if (oa.length < chunkSize) return;
    out.push(Buffer.from(oa.toBuffer()));
    oa = new BinaryOutputArchive(chunkSize + 1024);
  };
  oa.writeInt(sessions.size, 'count');
  for (const [id, timeout] of sessions) {
    oa.writeLong(id, 'id');
    oa.writeInt(timeout, 'timeout');
    maybeCut();
  }
  const acls = [...tree.aclCache.entries()];
  oa.writeInt(acls.length, 'map');
  for (const [ref, list] of acls) {
    oa.writeLong(ref, 'long');
    oa.startVector(list, 'acls');
    for (const acl of list) acl.serialize(oa);
    maybeCut();
  }
  for (const [path, node] of tree.nodesInTreeOrder()) {
    oa.writeString(path, 'path');
    oa.writeBuffer(node.data, 'data');
    oa.writeLong(node.acl, 'acl');
    node.stat.serialize(oa);
    maybeCut();
  }
  oa.writeString('/', 'path');
  oa.writeString(SNAP_SIGNATURE, 'signature');
  out.push(Buffer.from(oa.toBuffer()));
  return out;
}

/** The SNAP payload is not what LearnerHandler writes. */
export class LearnerSnapshotError extends Error {
  override name = 'LearnerSnapshotError';
}

type Phase = 'count' | 'sessions' | 'aclCount' | 'acls' | 'nodes' | 'signature' | 'done';

/**
 * Reads a SNAP payload as it streams in, one record at a time, so a large snapshot is
 * never held twice and never parsed from the start again.
 */
export class LearnerSnapshotReader {
  private phase: Phase = 'count';
  private left = 0;
  private readonly result: LearnerSnapshot = { sessions: [], acls: [], nodes: [] };

  /** Reads what `q` holds; the snapshot once the signature has been read, else null. */
  read(q: ByteQueue): LearnerSnapshot | null {
    for (;;) {
      const step = q.tryRead((ia) => this.step(ia));
      if (step === undefined) return null;
      if (this.phase === 'done') return this.result;
    }
  }

  private step(ia: BinaryInputArchive): true {
    switch (this.phase) {
      case 'count':
        this.left = ia.readInt();
        this.phase = this.left > 0 ? 'sessions' : 'aclCount';
        break;
      case 'sessions':
        this.result.sessions.push([ia.readLong(), ia.readInt()]);
        if (--this.left === 0) this.phase = 'aclCount';
        break;
      case 'aclCount':
        this.left = ia.readInt();
        this.phase = this.left > 0 ? 'acls' : 'nodes';
        break;
      case 'acls': {
        const ref = ia.readLong();
        const n = ia.startVector(ACLRecord.minSize, 'acls');
        if (n === -1) throw new LearnerSnapshotError('Incorrect format of InputArchive when deserialize DataTree - missing acls');
        const list: ACL[] = [];
        for (let j = 0; j < n; j++) list.push(ACLRecord.deserialize(ia));
        this.result.acls.push([ref, list]);
        if (--this.left === 0) this.phase = 'nodes';
        break;
      }
      case 'nodes': {
        const path = ia.readString();
        if (path === null) throw new LearnerSnapshotError('a node with a null path');
        if (path === '/') {
          this.phase = 'signature';
          break;
        }
        const data = ia.readBuffer();
        const acl = ia.readLong();
        const stat = StatPersisted.deserialize(ia);
        this.result.nodes.push([path, new DataNode(data, acl, stat)]);
        break;
      }
      case 'signature': {
        const sig = ia.readString();
        if (sig !== SNAP_SIGNATURE) throw new LearnerSnapshotError(`Missing signature. Got ${sig}`);
        this.phase = 'done';
        break;
      }
      case 'done':
        break;
    }
    return true;
  }
}

/** Reads a whole SNAP payload from one buffer (tests). */
export function parseLearnerSnapshot(buf: Buffer, maxBuffer = 0xfffff * 2): LearnerSnapshot {
  const q = new ByteQueue(maxBuffer);
  q.push(buf);
  const snap = new LearnerSnapshotReader().read(q);
  if (snap === null) throw new LearnerSnapshotError('truncated snapshot');
  return snap;
}
