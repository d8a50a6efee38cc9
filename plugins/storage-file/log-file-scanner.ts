import type { FileIO, StoredFile } from '../../lib/persistence/file-io';
import { adler32 } from '../../lib/persistence/adler32';
import { TxnLogCorruptError, TxnLogFormatError } from './errors';
import { FileWindow } from './file-window';
import {
  DEFAULT_MAX_ENTRY_SIZE,
  ENTRY_PREFIX_SIZE,
  EOR,
  FILE_HEADER_SIZE,
  TXN_HEADER_SIZE,
  TXNLOG_MAGIC,
  TXNLOG_VERSION,
  zxidOfPayload,
} from './txn-log-format';

export interface ScannedEntry {
  /** Offset of the entry's checksum field. */
  readonly offset: number;
  /** Offset just past its EOR byte: where the file is cut to keep this entry and drop the rest. */
  readonly end: number;
  /** A view of the ~1 MiB read it came in, which it keeps alive while it is held. */
  readonly payload: Buffer;
  readonly zxid: bigint;
}

/**
 * How a file's entries end. `clean`: nothing but zeros (preallocation) or end of file
 * after the last whole entry. `torn`: bytes of a partial or damaged entry follow it, with
 * no whole entry after them: the write in flight when the process or machine stopped.
 */
export type LogFileEnd =
  | { readonly kind: 'clean'; readonly offset: number }
  | { readonly kind: 'torn'; readonly offset: number; readonly reason: string; readonly size: number };

export interface ScanOptions {
  maxEntrySize?: number;
}

type Check = { ok: true; end: number; payload: Buffer } | { ok: false; reason: string };

/**
 * Reads one log file entry by entry and decides how it ends.
 *
 * Java's FileTxnIterator ends a file at the first entry it cannot read whole — a short
 * read, a zero length (the preallocated zeros), or an EOR byte other than 'B' — and only
 * a checksum mismatch on an otherwise whole entry is an error. It cannot tell a torn last
 * write from a damaged sector in the middle, and then silently drops the rest of the file.
 * Here any entry that fails (short, zero or absurd length, bad EOR, bad checksum) stops the
 * scan, and what follows decides: only zeros → clean end; some whole, checksummed entry
 * further on → TxnLogCorruptError (data was lost in the middle); otherwise → a torn tail.
 */
export class LogFileScanner {
  private pos = FILE_HEADER_SIZE;
  private readonly window: FileWindow;
  private readonly maxEntrySize: number;
  end: LogFileEnd | null = null;
  /** The FileHeader, or null when the file has none (empty, or cut short by a crash). */
  header: { readonly magic: number; readonly version: number; readonly dbid: bigint } | null = null;

  private constructor(
    readonly path: string,
    private readonly file: StoredFile,
    readonly size: number,
    opts: ScanOptions,
  ) {
    this.window = new FileWindow(file, size);
    this.maxEntrySize = opts.maxEntrySize ?? DEFAULT_MAX_ENTRY_SIZE;
  }

  static async open(io: FileIO, path: string, opts: ScanOptions = {}): Promise<LogFileScanner> {
    const file = await io.open(path, 'read');
    try {
      const s = new LogFileScanner(path, file, await file.size(), opts);
      await s.readHeader();
      return s;
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  private async readHeader(): Promise<void> {
    const h = await this.window.get(0, FILE_HEADER_SIZE);
    if (h.length < FILE_HEADER_SIZE) {
      // Created but its first write never completed.
      const nz = await this.window.nextNonZero(0);
      this.end = nz < 0 ? { kind: 'clean', offset: 0 } : { kind: 'torn', offset: 0, reason: 'file shorter than its header', size: this.size };
      return;
    }
    const magic = h.readInt32BE(0);
    const version = h.readInt32BE(4);
    if (magic === 0 && (await this.window.nextNonZero(0)) < 0) {
      this.end = { kind: 'clean', offset: 0 };
      return;
    }
    if (magic !== TXNLOG_MAGIC) {
      throw new TxnLogFormatError(this.path, `invalid magic number 0x${(magic >>> 0).toString(16)} != 0x${TXNLOG_MAGIC.toString(16)}`);
    }
    if (version !== TXNLOG_VERSION) {
      throw new TxnLogFormatError(this.path, `unsupported txnlog format version ${version} (expected ${TXNLOG_VERSION})`);
    }
    this.header = { magic, version, dbid: h.readBigInt64BE(8) };
  }

  /** The next whole entry, or null at the end (then `end` says how the file ends). */
  async next(): Promise<ScannedEntry | null> {
    if (this.end) return null;
    const at = this.pos;
    const c = await this.check(at, true);
    if (c.ok) {
      this.pos = c.end;
      // A view of the window's read, which FileWindow never writes over: a copy per entry
      // was most of a replay's new memory outside V8's heap (see FileWindow.get).
      return { offset: at, end: c.end, payload: c.payload, zxid: zxidOfPayload(c.payload) };
    }
    this.end = await this.classifyTail(at, c.reason);
    return null;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /** Reads every remaining entry and returns how the file ends. */
  async drain(onEntry?: (e: ScannedEntry) => void): Promise<LogFileEnd> {
    for (let e = await this.next(); e; e = await this.next()) onEntry?.(e);
    return this.end!;
  }

  private async check(at: number, explain: boolean): Promise<Check> {
    const prefix = await this.window.get(at, ENTRY_PREFIX_SIZE);
    if (prefix.length < ENTRY_PREFIX_SIZE) return { ok: false, reason: 'file ends inside an entry header' };
    const crcHigh = prefix.readUInt32BE(0);
    const crc = prefix.readUInt32BE(4);
    const len = prefix.readInt32BE(8);
    if (len === 0) return { ok: false, reason: 'zero length' };
    if (len < 0 || len > this.maxEntrySize) return { ok: false, reason: `unreasonable length ${len}` };
    if (len < TXN_HEADER_SIZE) return { ok: false, reason: `length ${len} is shorter than a TxnHeader` };
    const body = await this.window.get(at + ENTRY_PREFIX_SIZE, len + 1);
    if (body.length < len + 1) return { ok: false, reason: `entry of length ${len} runs past the end of the file` };
    if (body[len] !== EOR) {
      return { ok: false, reason: explain ? `bad end-of-record byte 0x${body[len].toString(16)} (expected 0x42)` : '' };
    }
    const actual = adler32(body, 0, len);
    if (crcHigh !== 0 || crc !== actual) {
      return {
        ok: false,
        reason: explain ? `checksum mismatch: stored 0x${(BigInt(crcHigh) * 2n ** 32n + BigInt(crc)).toString(16)}, computed 0x${actual.toString(16)}` : '',
      };
    }
    return { ok: true, end: at + ENTRY_PREFIX_SIZE + len + 1, payload: body.subarray(0, len) };
  }

  private async classifyTail(at: number, reason: string): Promise<LogFileEnd> {
    if ((await this.window.nextNonZero(at)) < 0) return { kind: 'clean', offset: at };
    const next = await this.findWholeEntryAfter(at + 1);
    if (next >= 0) throw new TxnLogCorruptError(this.path, at, reason, next);
    return { kind: 'torn', offset: at, reason, size: this.size };
  }

  /**
   * The first offset ≥ `from` where a whole entry with a matching checksum starts, or -1.
   * Such an entry has a non-zero length field, so zero runs are skipped wholesale.
   */
  private async findWholeEntryAfter(from: number): Promise<number> {
    let q = from;
    for (;;) {
      const nz = await this.window.nextNonZero(q + 8);
      if (nz < 0) return -1;
      q = Math.max(q, nz - 11);
      if (q + ENTRY_PREFIX_SIZE + TXN_HEADER_SIZE + 1 > this.size) return -1;
      if ((await this.check(q, false)).ok) return q;
      q++;
    }
  }
}
