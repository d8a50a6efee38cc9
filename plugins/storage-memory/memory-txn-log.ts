import { serializeTxn, deserializeTxn } from '../../lib/persistence/txn-serde';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';

/**
 * A TxnLog kept in memory. Entries are stored serialized, as a file would hold them, so
 * what restore reads back shares nothing with the objects the server appended. Only
 * committed entries survive a "crash": `read` and a new server over the same log see
 * exactly what `commit` made durable.
 */
export class MemoryTxnLog implements TxnLog {
  private readonly entries: Array<{ zxid: bigint; bytes: Buffer }> = [];
  private committed = 0;
  private closed = false;
  /** How many times commit() was called, and how many rolls: for tests and `mntr`. */
  commitCount = 0;
  rollCount = 0;

  append(entry: TxnEntry): void {
    if (this.closed) throw new Error('txn log is closed');
    const last = this.entries.length ? this.entries[this.entries.length - 1].zxid : 0n;
    if (entry.hdr.zxid <= last) {
      throw new RangeError(`txn zxid 0x${entry.hdr.zxid.toString(16)} is not after the last logged 0x${last.toString(16)}`);
    }
    this.entries.push({ zxid: entry.hdr.zxid, bytes: serializeTxn(entry) });
  }

  async commit(): Promise<void> {
    if (this.closed) throw new Error('txn log is closed');
    this.commitCount++;
    this.committed = this.entries.length;
  }

  async *read(after: bigint): AsyncIterable<TxnEntry> {
    for (let i = 0; i < this.committed; i++) {
      const e = this.entries[i];
      if (e.zxid > after) yield deserializeTxn(e.bytes);
    }
  }

  lastLoggedZxid(): bigint {
    return this.entries.length ? this.entries[this.entries.length - 1].zxid : 0n;
  }

  rollLog(): void {
    this.rollCount++;
  }

  async truncate(zxid: bigint): Promise<void> {
    let n = this.entries.length;
    while (n > 0 && this.entries[n - 1].zxid > zxid) n--;
    this.entries.length = n;
    this.committed = Math.min(this.committed, n);
  }

  /** Drops what was appended but never committed, as a crash would. */
  crash(): void {
    this.entries.length = this.committed;
  }

  /** Reopens after close, as a restarted server reopening its data directory. */
  reopen(): this {
    this.crash();
    this.closed = false;
    return this;
  }

  get size(): number {
    return this.committed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
