import { join } from 'node:path';
import type { FileIO } from '../../lib/persistence/file-io';
import type { TxnEntry } from '../../lib/persistence/txn-log';
import { deserializeTxn } from '../../lib/persistence/txn-serde';
import { TxnLogCorruptError } from './errors';
import { LogFileScanner, type LogFileEnd, type ScanOptions, type ScannedEntry } from './log-file-scanner';
import { sortLogFiles } from './txn-log-format';

export interface LogFileRef {
  readonly name: string;
  readonly path: string;
  /** The zxid in the file's name: that of its first txn. */
  readonly zxid: bigint;
}

export async function listLogFiles(io: FileIO, dir: string): Promise<LogFileRef[]> {
  return sortLogFiles(await io.list(dir)).map((f) => ({ ...f, path: join(dir, f.name) }));
}

/**
 * FileTxnLog.getLogFiles + FileTxnIterator's choice of files: the newest file that starts
 * at or before `from`, and every later one.
 */
export function logFilesFrom(files: readonly LogFileRef[], from: bigint): LogFileRef[] {
  let start = 0;
  for (let i = 0; i < files.length; i++) if (files[i].zxid <= from) start = i;
  return files.slice(start);
}

export interface ReadListener {
  /** Called as each file ends, with how it ended (a torn tail is reported, not thrown). */
  onFileEnd?(file: LogFileRef, end: LogFileEnd): void;
}

/** Decodes an entry, naming the file and offset when its (checksummed) bytes are not a txn. */
export function decodeEntry(path: string, e: ScannedEntry): TxnEntry {
  try {
    // Values as views of the entry (shareBuffers): a replayed create's data is most of
    // its entry, and the entry's read is never reused. A copy of each was new memory
    // outside V8's heap as the replay built the tree, as snapshot values were (ParseOptions.shareValues).
    return deserializeTxn(e.payload, undefined, true);
  } catch (err) {
    throw new TxnLogCorruptError(path, e.offset, `checksummed entry is not a valid txn: ${(err as Error).message}`);
  }
}

/**
 * Every txn with zxid > `after`, across all log files in zxid order. A torn tail ends its
 * file quietly (as in Java, reading goes on with the next file); damage followed by valid
 * entries throws TxnLogCorruptError.
 */
export async function* readTxnLog(
  io: FileIO,
  dir: string,
  after: bigint,
  opts: ScanOptions & ReadListener = {},
): AsyncGenerator<TxnEntry> {
  for (const f of logFilesFrom(await listLogFiles(io, dir), after + 1n)) {
    const scanner = await LogFileScanner.open(io, f.path, opts);
    try {
      for (let e = await scanner.next(); e; e = await scanner.next()) {
        if (e.zxid > after) yield decodeEntry(f.path, e);
      }
      opts.onFileEnd?.(f, scanner.end!);
    } finally {
      await scanner.close();
    }
  }
}
