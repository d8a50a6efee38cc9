import { join } from 'node:path';
import type { Logger } from '../../lib/core/logger';
import type { FileIO, StoredFile } from '../../lib/persistence/file-io';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';
import { serializeTxnInto } from '../../lib/persistence/txn-serde';
import { BinaryOutputArchive } from '../../lib/jute/binary-output-archive';
import { adler32 } from '../../lib/persistence/adler32';
import { TxnLogAppendError, TxnLogClosedError } from './errors';
import { calculateFileSizeWithPadding, DEFAULT_PREALLOC_SIZE } from './file-padding';
import { readTxnLog, type ReadListener } from './file-txn-iterator';
import { recoverLastZxid, truncateLogAfter, truncateTornTails, type TornTailRepair } from './log-repair';
import { createDurableFile, hasDurableWrites, nodeFileIO } from './node-file-io';
import { dirSizeSync } from './dir-size';
import { ZeroAhead } from './zero-ahead';
import { DEFAULT_MAX_ENTRY_SIZE, ENTRY_PREFIX_SIZE, EOR, encodeFileHeader, FILE_HEADER_SIZE, makeLogName } from './txn-log-format';

export interface FileTxnLogOptions {
  /** The directory holding the log.* files (ZooKeeper's <dataLogDir>/version-2). */
  dir: string;
  /** The file system; a simulator passes one that loses, tears or corrupts writes. */
  io?: FileIO;
  /** Bytes to preallocate at a time (zookeeper.preAllocSize, there in KiB); 0 turns it off. */
  preAllocSize?: number;
  /** false skips fsync (zookeeper.forceSync=no): for tests only. */
  forceSync?: boolean;
  /** Largest payload written or read back (Java: jute.maxbuffer + extrasize). */
  maxEntrySize?: number;
  /** On open, cut a torn last write off the newest file (default true). */
  repairTornTail?: boolean;
  logger?: Logger;
}

/**
 * Entries appended since the last commit that go to one file. They are framed straight
 * into `out` as they come (checksum, length, payload, EOR): the commit writes that buffer
 * as it is, with no per-entry buffers to allocate, copy and concatenate.
 */
interface Segment {
  readonly newFile: boolean;
  readonly firstZxid: bigint;
  lastZxid: bigint;
  readonly out: BinaryOutputArchive;
  /** Where each entry ends in `out`. */
  readonly ends: number[];
  readonly zxids: bigint[];
}

/** Segment buffers kept for reuse once their write is done (each grows to a batch's size). */
const SPARE_BUFFERS = 2;
/** A buffer grown past this by a huge batch is not kept. */
const SPARE_BUFFER_MAX = 8 * 1024 * 1024;

interface OpenFile {
  readonly file: StoredFile;
  readonly path: string;
  /** Zeroes the preallocated space ahead of the writer (O_DSYNC files on the real disk). */
  readonly zero: ZeroAhead | null;
  /** Where the next entry goes. */
  pos: number;
  /** The file's length as preallocated so far (FilePadding.currentSize). */
  paddedSize: number;
}

const ONE_ZERO = Buffer.alloc(1);

/**
 * ZooKeeper's FileTxnLog, byte-compatible with 3.8: a Java server reads what this writes
 * and the other way round. `append` only encodes; `commit` writes everything appended
 * since the last commit with one write per file and one fsync, so a caller doing group
 * commit pays one fsync per batch. A new file is started at the first append, after
 * `rollLog`, and after a restart (as Java does: it never appends to an existing file).
 */
export class FileTxnLog implements TxnLog {
  readonly dir: string;
  readonly io: FileIO;
  readonly preAllocSize: number;
  readonly forceSync: boolean;
  readonly maxEntrySize: number;
  /** Torn tails cut off when the log was opened. */
  repairs: TornTailRepair[] = [];
  private readonly logger?: Logger;

  private lastZxid = 0n;
  private committedZxid = 0n;
  private pending: Segment[] = [];
  private readonly spare: BinaryOutputArchive[] = [];
  private rollRequested = true;
  private current: OpenFile | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private closed = false;
  /** Counters for tests and monitoring. */
  readonly stats = { commits: 0, writes: 0, fsyncs: 0, filesCreated: 0 };

  private constructor(opts: FileTxnLogOptions) {
    this.dir = opts.dir;
    this.io = opts.io ?? nodeFileIO;
    this.preAllocSize = opts.preAllocSize ?? DEFAULT_PREALLOC_SIZE;
    this.forceSync = opts.forceSync ?? true;
    this.maxEntrySize = opts.maxEntrySize ?? DEFAULT_MAX_ENTRY_SIZE;
    this.logger = opts.logger;
    this.deferCommit = this.io === nodeFileIO ? (start) => void setImmediate(start) : undefined;
  }

  /** Opens (creating the directory if needed) and finds the last logged zxid. */
  static async open(opts: FileTxnLogOptions): Promise<FileTxnLog> {
    const log = new FileTxnLog(opts);
    await log.io.mkdirs(log.dir);
    const { lastZxid, repairs } = await recoverLastZxid(log.io, log.dir, opts.repairTornTail ?? true, log.scanOpts());
    log.lastZxid = log.committedZxid = lastZxid;
    log.repairs = repairs;
    for (const r of repairs) log.logger?.warn(r, 'txn log: cut a torn tail');
    return log;
  }

  private scanOpts() {
    return { maxEntrySize: this.maxEntrySize };
  }

  private usable(): void {
    if (this.failed) throw new TxnLogClosedError(`txn log in ${this.dir} failed earlier: ${this.failed.message}`);
    if (this.closed) throw new TxnLogClosedError(`txn log in ${this.dir} is closed`);
  }

  append(entry: TxnEntry): void {
    this.usable();
    const zxid = entry.hdr.zxid;
    if (zxid <= this.lastZxid) {
      throw new TxnLogAppendError(`txn zxid 0x${zxid.toString(16)} is not after the last logged 0x${this.lastZxid.toString(16)}`);
    }
    let seg = this.pending[this.pending.length - 1];
    const newSeg = this.rollRequested || !seg;
    const out = newSeg ? this.spare.pop() ?? new BinaryOutputArchive(64 * 1024) : seg.out;
    // encodeEntry's format, in place: checksum and length go in once the payload is there.
    const start = out.length;
    let length: number;
    try {
      out.skip(ENTRY_PREFIX_SIZE);
      serializeTxnInto(entry, out);
      length = out.length - start - ENTRY_PREFIX_SIZE;
      if (length > this.maxEntrySize) {
        throw new TxnLogAppendError(`txn 0x${zxid.toString(16)} is ${length} bytes: over the ${this.maxEntrySize} a reader accepts`);
      }
    } catch (e) {
      out.truncate(start);
      if (newSeg) this.spare.push(out);
      throw e;
    }
    const payloadStart = start + ENTRY_PREFIX_SIZE;
    // The checksum is Adler-32 written as a long: its high word is 0.
    out.patchUInt32(start, 0);
    out.patchUInt32(start + 4, adler32(out.rawBuffer, payloadStart, payloadStart + length));
    out.patchUInt32(start + 8, length);
    out.writeByte(EOR);
    if (newSeg) {
      seg = { newFile: this.rollRequested, firstZxid: zxid, lastZxid: zxid, out, ends: [], zxids: [] };
      this.pending.push(seg);
      this.rollRequested = false;
    }
    seg.ends.push(out.length);
    seg.zxids.push(zxid);
    seg.lastZxid = zxid;
    this.lastZxid = zxid;
  }

  /**
   * On the real disk a commit starts once the event loop has read what every connection
   * sent this turn (setImmediate): bigger batches, fewer round trips per txn, and nothing
   * waits longer than the turn. A simulated file system keeps the caller's microtask.
   */
  readonly deferCommit: ((start: () => void) => void) | undefined;

  commit(): Promise<void> {
    try {
      this.usable();
    } catch (e) {
      return Promise.reject(e);
    }
    const segs = this.pending;
    this.pending = [];
    this.stats.commits++;
    const done = this.chain.then(() => this.writeSegments(segs));
    this.chain = done.catch(() => undefined);
    return done;
  }

  private async writeSegments(segs: Segment[]): Promise<void> {
    if (this.failed) throw new TxnLogClosedError(`txn log in ${this.dir} failed earlier: ${this.failed.message}`);
    try {
      for (const seg of segs) await this.writeSegment(seg);
    } catch (e) {
      this.failed = e as Error;
      throw e;
    }
  }

  private async writeSegment(seg: Segment): Promise<void> {
    let created = false;
    if (seg.newFile || !this.current) {
      await this.closeCurrent();
      const path = join(this.dir, makeLogName(seg.firstZxid));
      // On the real file system a synced log writes through O_DSYNC: one round trip a commit.
      const file = this.forceSync && this.io === nodeFileIO ? await createDurableFile(path) : await this.io.open(path, 'create');
      const zero = hasDurableWrites(file) ? new ZeroAhead(file, this.logger) : null;
      this.current = { file, path, zero, pos: 0, paddedSize: FILE_HEADER_SIZE };
      this.stats.filesCreated++;
      created = true;
    }
    const cur = this.current;
    const entries = seg.out.toBuffer();
    // FilePadding.padFile runs before each entry, looking at the position it starts at.
    const base = cur.pos + (created ? FILE_HEADER_SIZE : 0);
    let pos = base;
    let size = cur.paddedSize;
    for (const end of seg.ends) {
      size = calculateFileSizeWithPadding(pos, size, this.preAllocSize);
      pos = base + end;
    }
    const data = created ? Buffer.concat([encodeFileHeader(), entries]) : entries;
    await cur.zero?.before(cur.pos + data.length);
    await cur.file.write(cur.pos, data);
    this.stats.writes++;
    const dataEnd = cur.pos + data.length;
    // Java writes one zero byte at the new end before the entry; entries written after it
    // overwrite it when they reach past it, so only a byte past the data is written here.
    if (size !== cur.paddedSize && size > dataEnd) {
      await cur.file.write(size - 1, ONE_ZERO);
      this.stats.writes++;
    }
    cur.pos = dataEnd;
    cur.paddedSize = size;
    cur.zero?.after(dataEnd, size);
    if (this.forceSync) {
      // An O_DSYNC file's writes were each their own fdatasync.
      if (!hasDurableWrites(cur.file)) await cur.file.sync();
      if (created) await this.io.syncDir(this.dir);
      this.stats.fsyncs++;
    }
    this.committedZxid = seg.lastZxid;
    // The write is done (the file has the bytes): the buffer can take the next batch.
    this.recycle(seg.out);
  }

  private recycle(out: BinaryOutputArchive): void {
    if (this.spare.length >= SPARE_BUFFERS || out.capacity > SPARE_BUFFER_MAX) return;
    out.reset();
    this.spare.push(out);
  }

  /** Committed entries with zxid > `after`, from disk (commits in flight are awaited first). */
  read(after: bigint, listener: ReadListener = {}): AsyncIterable<TxnEntry> {
    const self = this;
    return (async function* () {
      self.usable();
      await self.chain;
      yield* readTxnLog(self.io, self.dir, after, { ...self.scanOpts(), ...listener });
    })();
  }

  lastLoggedZxid(): bigint {
    return this.lastZxid;
  }

  rollLog(): void {
    this.usable();
    // Java's rollLog does nothing while no file is open; a roll requested twice is one roll.
    if (this.current || this.pending.length) this.rollRequested = true;
  }

  async truncate(zxid: bigint): Promise<void> {
    this.usable();
    await this.chain;
    this.usable();
    if (this.committedZxid <= zxid) {
      // Only uncommitted entries can be past zxid: drop them, disk stays as it is.
      const kept = dropPendingAfter(this.pending, zxid);
      if (this.pending.slice(kept.length).some((s) => s.newFile)) this.rollRequested = true;
      this.pending = kept;
      this.lastZxid = this.pending.length ? this.pending[this.pending.length - 1].lastZxid : this.committedZxid;
      return;
    }
    this.pending = [];
    await this.closeCurrent();
    this.rollRequested = true;
    try {
      this.lastZxid = this.committedZxid = await truncateLogAfter(this.io, this.dir, zxid, this.scanOpts());
    } catch (e) {
      this.failed = e as Error;
      throw e;
    }
  }

  /** Cuts torn tails off every log file, not only the newest (see FileTxnLog.open). */
  async truncateTornTail(): Promise<TornTailRepair[]> {
    this.usable();
    await this.chain;
    return truncateTornTails(this.io, this.dir, this.scanOpts());
  }

  /** Closes the file. Entries appended but not committed are dropped, as a crash would. */
  /** The directory's bytes on the real file system (a simulated one reports 0, as it has no directory). */
  sizeOnDisk(): number {
    return this.io === nodeFileIO ? dirSizeSync(this.dir) : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    this.pending = [];
    await this.closeCurrent();
  }

  /** Closes the open file once nothing is writing to it any more. */
  private async closeCurrent(): Promise<void> {
    const cur = this.current;
    this.current = null;
    if (cur === null) return;
    await cur.zero?.idle();
    await cur.file.close();
  }
}

/** Segments with every entry of zxid > `zxid` removed. */
function dropPendingAfter(segs: Segment[], zxid: bigint): Segment[] {
  const out: Segment[] = [];
  for (const seg of segs) {
    const n = seg.zxids.filter((z) => z <= zxid).length;
    if (n === 0) break;
    seg.out.truncate(seg.ends[n - 1]);
    out.push({ ...seg, lastZxid: seg.zxids[n - 1], ends: seg.ends.slice(0, n), zxids: seg.zxids.slice(0, n) });
  }
  return out;
}
