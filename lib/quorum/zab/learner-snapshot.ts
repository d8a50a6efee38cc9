import type { ACL } from '../../jute/records/data';
import { ACL as ACLRecord } from '../../jute/records/data';
import type { DataNode } from '../../data/data-node';
import type { DataTree } from '../../data/data-tree';
import type { TreeRestorer } from '../../data/data-tree-snapshot';
import { BinaryOutputArchive } from '../../jute/binary-output-archive';
import type { BinaryInputArchive } from '../../jute/binary-input-archive';
import { ByteQueue } from './byte-queue';
import { serializeSnapshotBody } from '../../persistence/snapshot-serializer';
import { SnapshotNodeReader } from '../../persistence/snapshot-node-reader';
import { SNAP_SIGNATURE } from './packet-types';
import { learnerSnapshotRecordSize, type LearnerSnapshotPhase } from './learner-snapshot-size';
import { DEFAULT_MAX_BUFFER } from '../../jute/limits';

/**
 * What follows a SNAP packet on a learner connection: ZKDatabase.serializeSnapshot
 * (SerializeUtils.serializeSnapshot: the sessions, then DataTree.serialize: the ACL cache
 * and every node, "/" last) and the string "BenWasHere". Unlike a snapshot file there is
 * no file header, no checksum seal and no digest trailer.
 */
export interface LearnerSnapshot {
  sessions: Array<[bigint, number]>;
  acls: Array<[bigint, ACL[]]>;
  /** (path, node) in tree order, the root as "" (empty when read into a tree). */
  nodes: Array<[string, DataNode]>;
  /** The tree the nodes were restored into as they came, when the reader was given one. */
  tree: DataTree | null;
}

/** A SNAP payload being made: its zxid (the tree's when it started) and its bytes. */
export interface LearnerSnapshotWriter {
  readonly zxid: bigint;
  /** Pulling the next chunk serializes the next part of the tree, as it is then. */
  readonly chunks: Generator<Buffer, void>;
}

/**
 * The SNAP payload of `tree` and `sessions`, chunk by chunk (each about `chunkSize`): the
 * snapshot file's body without its file header, then the signature. It takes the file's
 * walk (each parent before its children, in the node map's order, which Java's
 * DataTree.deserialize accepts as it does a file's), and is fuzzy as the file's is and
 * as Java's LearnerHandler's is: the nodes are read as the chunks are pulled, so a
 * leader that commits between chunks sends each node as it is then, and the txns it
 * forwards from `zxid` bring the learner's tree to the leader's (see serializeSnapshot).
 */
export function learnerSnapshotChunks(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  chunkSize = 64 * 1024,
): LearnerSnapshotWriter {
  // A fresh buffer per chunk (no reuse): a chunk stays in the socket's queue a while.
  const body = serializeSnapshotBody(tree, sessions, { chunkSize, reuseBuffer: false, digestEnabled: false, fileHeader: false });
  function* chunks(): Generator<Buffer, void> {
    for (let r = body.chunks.next(); !r.done; r = body.chunks.next()) yield r.value;
    const oa = new BinaryOutputArchive(4 + SNAP_SIGNATURE.length);
    oa.writeString(SNAP_SIGNATURE, 'signature');
    yield oa.toBuffer();
  }
  return { zxid: body.zxid, chunks: chunks() };
}

/** The whole SNAP payload of `tree` as it is now (the tree cannot change meanwhile). */
export function serializeLearnerSnapshot(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  chunkSize = 64 * 1024,
): Buffer[] {
  return [...learnerSnapshotChunks(tree, sessions, chunkSize).chunks];
}

/** The SNAP payload is not what LearnerHandler writes. */
export class LearnerSnapshotError extends Error {
  override name = 'LearnerSnapshotError';
}

/**
 * Reads a SNAP payload as it streams in, one record at a time, so a large snapshot is
 * never held twice and never parsed from the start again.
 */
export class LearnerSnapshotReader {
  private phase: LearnerSnapshotPhase = 'count';
  private left = 0;
  private readonly result: LearnerSnapshot = { sessions: [], acls: [], nodes: [], tree: null };
  private restorer: TreeRestorer | null = null;
  private readonly nodeReader = new SnapshotNodeReader();
  private readonly stepFn = (ia: BinaryInputArchive): true => this.step(ia);
  private readonly sizeOf: (buf: Buffer, start: number) => number;

  /**
   * `maxBuffer`: the largest length a record may give (jute.maxbuffer, as the queue's).
   * `into`: a fresh tree to restore each node into as it is read (DataTree.beginRestore),
   * so rebuilding the tree overlaps waiting for the stream; without it the nodes are
   * collected.
   */
  constructor(
    maxBuffer = DEFAULT_MAX_BUFFER,
    private readonly into: DataTree | null = null,
  ) {
    this.sizeOf = (buf, start) => learnerSnapshotRecordSize(this.phase, buf, start, maxBuffer);
  }

  /** Reads what `q` holds; the snapshot once the signature has been read, else null. */
  read(q: ByteQueue): LearnerSnapshot | null {
    for (;;) {
      const step = q.tryRead(this.stepFn, this.sizeOf);
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
        if (this.into !== null && this.restorer === null) this.restorer = this.into.beginRestore(this.result.acls);
        const path = ia.readString();
        if (path === null) throw new LearnerSnapshotError('a node with a null path');
        if (path === '/') {
          if (this.restorer !== null) {
            this.restorer.finish();
            this.result.tree = this.into;
          }
          this.phase = 'signature';
          break;
        }
        // A view of the chunk it came in, as a snapshot file's values are of the file's
        // buffer: a copy of each was a snapshot's worth of new memory outside V8's heap,
        // and a mark-compact of the growing tree every ~64 MB of it. Every byte of the
        // chunks is the snapshot's, so what the views pin is at most its size.
        const node = this.nodeReader.read(ia, true);
        if (this.restorer !== null) this.restorer.add(path, node);
        else this.result.nodes.push([path, node]);
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
  const snap = new LearnerSnapshotReader(maxBuffer).read(q);
  if (snap === null) throw new LearnerSnapshotError('truncated snapshot');
  return snap;
}
