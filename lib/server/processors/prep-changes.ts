import { DIGEST_VERSION, digestLong, nodeDigest, precalculateDigest } from '../../data/digest-calculator';
import { carryHi, sumLo } from '../../data/digest-sum';
import type { DataTree } from '../../data/data-tree';
import type { StatPersisted } from '../../jute/records/data';
import { TxnDigest } from '../../jute/records/txn';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import type { Request } from '../request';
import { ChangeRecord, type OutstandingChanges, type PrecalculatedDigest } from './change-record';

/** PrepRequestProcessor.DigestOpCode. */
export const enum DigestOp {
  NOOP,
  ADD,
  REMOVE,
  UPDATE,
}

/**
 * Prep's view of the tree: the DataTree overlaid with outstanding change records, so a
 * request is validated against every txn prepped before it, applied or not. Also the
 * precalculated digests of those txns (zookeeper.digest.enabled).
 */
export class PrepChanges {
  constructor(
    private readonly tree: DataTree,
    readonly outstanding: OutstandingChanges,
  ) {}

  get digestEnabled(): boolean {
    return this.tree.digestEnabled;
  }

  /** getRecordForPath: the newest record, else one built from the tree; NoNode when neither has it. */
  getRecordForPath(path: string): ChangeRecord {
    const r = this.lookup(path);
    if (r === null) throw new KeeperException(Code.NONODE, path);
    return r;
  }

  /**
   * True when the path exists once outstanding changes are counted. (Java catches the
   * NoNodeException of getRecordForPath; an Error's stack trace is too dear for a check
   * every create makes.)
   */
  exists(path: string): boolean {
    return this.lookup(path) !== null;
  }

  private lookup(path: string): ChangeRecord | null {
    let last = this.outstanding.forPath(path);
    if (last === undefined) {
      const n = this.tree.getNodeForChange(path);
      if (n === undefined) return null;
      last = new ChangeRecord(-1n, path, n.stat, n.numChildren, this.tree.getACLOfNode(n), n.data);
      if (this.digestEnabled) last.digest = { nodeDigest: nodeDigest(path, n), treeHi: 0, treeLo: 0 };
    }
    return last.stat === null ? null : last;
  }

  add(c: ChangeRecord): void {
    this.outstanding.add(c);
  }

  /** rollbackPendingChanges for the multi prepped with `zxid` (see OutstandingChanges.rollback). */
  rollback(zxid: bigint): void {
    this.outstanding.rollback(zxid);
  }

  /** getCurrentTreeDigest: the digest after the last outstanding txn, else the tree's. */
  currentTreeDigest(): bigint {
    const d = this.lastDigest();
    return d === null ? this.tree.getTreeDigest() : digestLong(d.treeHi, d.treeLo);
  }

  private lastDigest(): PrecalculatedDigest | null {
    return this.outstanding.peekLast()?.digest ?? null;
  }

  /**
   * precalculateDigest(UPDATE) for a change to the node `prior` describes: the record
   * getRecordForPath gave the caller, whose digest is the one the change replaces. Java
   * looks the path up again for it; the caller already holds it.
   */
  precalculateUpdate(prior: ChangeRecord, data: Buffer | null, stat: StatPersisted): PrecalculatedDigest | null {
    if (!this.digestEnabled) return null;
    return this.digestAfter(prior.digest?.nodeDigest ?? 0, precalculateDigest(prior.path, data, stat, this.tree.prepped));
  }

  /** precalculateDigest for a node `path` adds or removes (an update: precalculateUpdate). */
  precalculate(op: DigestOp.ADD | DigestOp.REMOVE, path: string, data: Buffer | null = null, stat: StatPersisted | null = null): PrecalculatedDigest | null {
    if (!this.digestEnabled) return null;
    if (op === DigestOp.ADD) return this.digestAfter(0, precalculateDigest(path, data, stat!, this.tree.prepped));
    return this.digestAfter(this.getRecordForPath(path).digest?.nodeDigest ?? 0, 0);
  }

  /** The node's new digest, and the tree's once its old one (`prev`) is replaced by it. */
  private digestAfter(prev: number, next: number): PrecalculatedDigest {
    const last = this.lastDigest();
    const hi = last === null ? this.tree.treeDigestHi : last.treeHi;
    const lo = last === null ? this.tree.treeDigestLo : last.treeLo;
    const raw = lo - prev + next;
    return { nodeDigest: next, treeHi: carryHi(raw, hi), treeLo: sumLo(raw) };
  }

  /** setTxnDigest(request, precalculated): a null digest (digests off) leaves it unset. */
  setTxnDigest(request: Request, d: PrecalculatedDigest | null): void {
    if (d !== null) request.digest = new TxnDigest({ version: DIGEST_VERSION, treeDigest: digestLong(d.treeHi, d.treeLo) });
  }

  /** setTxnDigest(request): the tree digest as it stands after every outstanding txn. */
  setCurrentTxnDigest(request: Request): void {
    if (this.digestEnabled) request.digest = new TxnDigest({ version: DIGEST_VERSION, treeDigest: this.currentTreeDigest() });
  }
}
