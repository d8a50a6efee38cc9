import type { TxnEntry, TxnLog } from '../../persistence/txn-log';

/** Applied entries are dropped from the front in batches, not one shift() at a time. */
const COMPACT_AT = 1024;

/**
 * The peer's TxnLog, remembering in memory the txns appended to it that the tree has not
 * applied yet (a follower's proposals waiting for COMMIT, a leader's outstanding ones).
 *
 * When a role ends, ZKDatabase.fastForwardDataBase applies "what the log holds past the
 * tree" so that the next vote names the last logged zxid. Java reads that back from the
 * log file; zoolab did too, and re-scanning and checksumming a log file of tens of MB
 * took most of a second of every failover, for the handful of txns at its end. Those
 * txns are exactly the ones appended here in this process since the tree caught up: at
 * start-up the tree is restored from the whole log, and truncate() drops what the log
 * drops. So the log on disk and this tail agree on every entry past the tree, with one
 * exception, where the tail is the right one: a SNAP below what this peer had logged
 * (only zookeeper.forceSnapshotSync sends one) leaves the peer's own later, uncommitted
 * txns in the log until NEWLEADER empties it; read back, they would land on the leader's
 * snapshot.
 */
export class TxnLogTail implements TxnLog {
  /** Slots before `head` are applied and cleared, so their txns are not kept alive. */
  private entries: Array<TxnEntry | undefined> = [];
  private head = 0;

  constructor(
    readonly inner: TxnLog,
    /** The tree's lastProcessedZxid: entries at or below it are applied and forgotten. */
    private readonly appliedZxid: () => bigint,
  ) {}

  append(entry: TxnEntry): void {
    this.inner.append(entry);
    this.trim();
    this.entries.push(entry);
  }

  commit(): Promise<void> {
    return this.inner.commit();
  }

  read(after: bigint): AsyncIterable<TxnEntry> {
    return this.inner.read(after);
  }

  lastLoggedZxid(): bigint {
    return this.inner.lastLoggedZxid();
  }

  rollLog(): void {
    this.inner.rollLog();
  }

  async truncate(zxid: bigint): Promise<void> {
    try {
      await this.inner.truncate(zxid);
    } finally {
      this.entries = this.live().filter((e) => e.hdr.zxid <= zxid);
      this.head = 0;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * The inner log's deferCommit (when the sync stage should start a group commit), so the
   * wrapper does not hide it; without one, a microtask, as the sync stage would use.
   */
  deferCommit(start: () => void): void {
    if (this.inner.deferCommit) this.inner.deferCommit(start);
    else queueMicrotask(start);
  }

  sizeOnDisk(): number {
    return this.inner.sizeOnDisk?.() ?? 0;
  }

  /**
   * The appended txns with zxid > `after`, in log order. Call it after commit() has
   * settled if they must be durable (a vote will claim them).
   */
  unapplied(after: bigint): TxnEntry[] {
    this.trim();
    return this.live().filter((e) => e.hdr.zxid > after);
  }

  /** Entries remembered (for tests: the tail stays as short as the txns in flight). */
  get size(): number {
    return this.entries.length - this.head;
  }

  private live(): TxnEntry[] {
    // Every slot from head on holds an entry.
    return (this.head === 0 ? this.entries : this.entries.slice(this.head)) as TxnEntry[];
  }

  private trim(): void {
    const applied = this.appliedZxid();
    while (this.head < this.entries.length && this.entries[this.head]!.hdr.zxid <= applied) this.entries[this.head++] = undefined;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
