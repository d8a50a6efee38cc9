import type { ACL } from '../../jute/records/data';
import { StatPersisted } from '../../jute/records/data';
import { copyStatPersisted } from '../../data/data-node';

const NO_ACL: ACL[] = Object.freeze([]) as unknown as ACL[];

/**
 * The node's digest and the tree digest once its txn is applied, the latter as its two
 * uint32 halves (lib/data/digest-sum.ts says why).
 */
export interface PrecalculatedDigest {
  readonly nodeDigest: number;
  readonly treeHi: number;
  readonly treeLo: number;
}

/**
 * ZooKeeperServer.ChangeRecord: what prep knows of a node once its not-yet-applied txns
 * are taken into account. `stat === null` marks a node that a pending txn deletes.
 */
export class ChangeRecord {
  /** ZooKeeperServer.PrecalculatedDigest, when txn digests are computed. */
  digest: PrecalculatedDigest | null = null;

  constructor(
    readonly zxid: bigint,
    readonly path: string,
    /** Never mutated once added: duplicate() before changing. */
    readonly stat: StatPersisted | null,
    public childCount: number,
    readonly acl: ACL[] | null,
    public data: Buffer | null = null,
  ) {}

  /**
   * A copy tagged with the zxid of the txn about to change it. The ACL list is shared,
   * not copied as Java does: records only read it, and a setACL's new list replaces it.
   */
  duplicate(zxid: bigint): ChangeRecord {
    const stat = new StatPersisted();
    if (this.stat !== null) copyStatPersisted(this.stat, stat);
    const c = new ChangeRecord(zxid, this.path, stat, this.childCount, this.acl === null ? NO_ACL : this.acl, this.data);
    c.digest = this.digest;
    return c;
  }
}

/**
 * ZooKeeperServer.outstandingChanges and outstandingChangesForPath: the change records
 * of txns that prep has produced and final has not yet applied, in zxid order, and the
 * newest record per path. Prep adds (and rolls back a failed multi's); final drops them
 * once the txn is in the DataTree.
 */
export class OutstandingChanges {
  /** Slots before `head` are applied and cleared, so nothing keeps their records alive. */
  private queue: Array<ChangeRecord | undefined> = [];
  private head = 0;
  private byPath = new Map<string, ChangeRecord>();

  get size(): number {
    return this.queue.length - this.head;
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  forPath(path: string): ChangeRecord | undefined {
    return this.byPath.get(path);
  }

  add(c: ChangeRecord): void {
    this.queue.push(c);
    this.byPath.set(c.path, c);
  }

  peekFirst(): ChangeRecord | undefined {
    return this.size === 0 ? undefined : this.queue[this.head];
  }

  peekLast(): ChangeRecord | undefined {
    return this.size === 0 ? undefined : this.queue[this.queue.length - 1];
  }

  /** In zxid order (oldest first). */
  *[Symbol.iterator](): IterableIterator<ChangeRecord> {
    for (let i = this.head; i < this.queue.length; i++) yield this.queue[i]!;
  }

  /**
   * rollbackPendingChanges: drops the records of a failed multi (all tagged with its
   * zxid, at the tail) and makes each of its paths' newest remaining record current
   * again. Java collects those records before every multi (getPendingChanges) and puts
   * back the ones still outstanding; they are exactly the newest records of those paths
   * left in the queue, so they are looked up here, only when a multi fails.
   */
  rollback(zxid: bigint): void {
    const dropped = new Set<string>();
    while (this.size > 0 && this.queue[this.queue.length - 1]!.zxid === zxid) {
      const c = this.queue.pop()!;
      this.byPath.delete(c.path);
      dropped.add(c.path);
    }
    for (let i = this.queue.length - 1; i >= this.head && dropped.size > 0; i--) {
      const c = this.queue[i]!;
      if (dropped.delete(c.path)) this.byPath.set(c.path, c);
    }
    if (this.size === 0) this.compact();
  }

  /**
   * The part of ZooKeeperServer.processTxn that follows the DataTree update: records of
   * txns up to `zxid` are now in the tree.
   */
  removeApplied(zxid: bigint): ChangeRecord[] {
    const stale: ChangeRecord[] = [];
    while (this.size > 0 && this.queue[this.head]!.zxid <= zxid) {
      const c = this.queue[this.head]!;
      // A pipelined load never empties the queue, and an applied record left in its slot
      // (with its data) lived on until the next compaction: long enough to be promoted.
      this.queue[this.head++] = undefined;
      if (c.zxid < zxid) stale.push(c);
      if (this.byPath.get(c.path) === c) this.byPath.delete(c.path);
    }
    this.compact();
    return stale;
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
    this.byPath.clear();
  }

  /**
   * Also starts byPath over (with the records it holds) every 1024 applied txns. A Map
   * that lives long while every write adds and deletes an entry is a trap for the young
   * generation: once V8 has promoted its table, every rehash allocates the next table in
   * the old generation too, and the dead tables keep pointing at the records they held
   * until the next mark-compact, so each record (and its stat and data) survived the
   * scavenges and was promoted. A fresh Map starts with a young table.
   */
  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      if (this.byPath.size === 0) this.byPath = new Map();
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
      this.byPath = new Map(this.byPath);
    }
  }
}
