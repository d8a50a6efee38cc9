import { token } from '../core/token';
import type { TxnDigest, TxnHeader } from '../jute/records/txn';
import type { JuteRecord } from '../jute/types';

/** One logged txn: ZooKeeper's TxnHeader, the txn record (null for none) and its digest. */
export interface TxnEntry {
  readonly hdr: TxnHeader;
  readonly txn: JuteRecord | null;
  readonly digest?: TxnDigest | null;
  /**
   * The entry as serializeTxn writes it, when it is at hand already (a proposal as the
   * leader encoded it or a learner received it): a log may write these bytes instead of
   * serializing the records again.
   */
  readonly bytes?: Buffer;
}

/**
 * ZooKeeper's TxnLog as the sync stage sees it. `append` buffers; `commit` makes
 * everything appended so far durable (fsync in the file plugin) and is what group commit
 * batches. Implementations live in plugins (storage-memory, storage-file).
 */
export interface TxnLog {
  append(entry: TxnEntry): void;
  commit(): Promise<void>;
  /** Entries with zxid > `after`, in order, for restore and for a learner's DIFF. */
  read(after: bigint): AsyncIterable<TxnEntry>;
  /** The zxid of the last appended entry, or 0n when empty. */
  lastLoggedZxid(): bigint;
  /** Starts a new log file at the next append (after a snapshot). */
  rollLog(): void;
  /** Removes entries with zxid > `zxid` (a follower's TRUNC). */
  truncate(zxid: bigint): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `start` when the sync stage should begin a commit of what was just appended. A
   * log on a real disk defers it to the end of the event loop's I/O phase, so that the
   * requests read from every connection in the same turn share one commit (one write, one
   * wake-up, and one reply write per connection for all of them). Without it the stage
   * uses a microtask: the txns of one synchronous burst still share a commit, and a
   * simulation in virtual time stays deterministic.
   */
  deferCommit?(start: () => void): void;
  /** Bytes in the log's directory (ZooKeeperServer.getLogDirSize, for `conf` and `mntr`); absent for a log with no directory. */
  sizeOnDisk?(): number;
}

export const TXN_LOG = token<TxnLog>('TxnLog');
